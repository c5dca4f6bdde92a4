import Foundation
import Testing

/// The steps people take in the journey tests, each one HTTP call (or two) through the edge,
/// checked as it goes. Every e-mail carries `tag`, so the tests of a suite share one platform
/// without meeting each other's accounts.
struct JourneyActors {
    let platform: JourneyPlatform
    let superAdminToken: String
    let tag: String

    var edge: EdgeHTTPClient { platform.edge }

    /// A shared password that the auth policy accepts (long, no sequence, not the e-mail's name).
    static let password = "amber-lantern-harbour-77"

    init(platform: JourneyPlatform, tag: String) async throws {
        self.platform = platform
        self.tag = tag
        superAdminToken = try await platform.login(platform.superAdminEmail, platform.superAdminPassword).token
    }

    func email(_ who: String) -> String { "\(who).\(tag)@journey.example" }

    /// The super admin opens a clinic in Lyon (Europe/Paris) with its first admin; its id.
    func openClinic(name: String, street: String, admin: String) async throws -> String {
        let answer = try await edge.send(.POST, "/v1/clinics", token: superAdminToken, json: """
            {"clinic": {"displayName": "\(name)", "timeZone": "Europe/Paris", "currency": "EUR",
                        "address": {"addressLines": ["\(street)"], "locality": "Lyon", "postalCode": "69003", "regionCode": "FR"}},
             "firstAdmin": {"email": "\(email(admin))", "name": {"givenName": "Alex", "familyName": "\(admin.capitalized)"},
                            "initialPassword": "\(Self.password)"},
             "requestId": "\(UUID().uuidString.lowercased())"}
            """)
        try expectOK(answer, "CreateClinic \(name)")
        #expect(answer.json["clinic"]["displayName"].string == name)
        #expect(answer.json["clinic"]["state"].string == "CLINIC_STATE_ACTIVE")
        #expect(answer.json["adminAccountId"].string?.isEmpty == false)
        return try #require(answer.json["clinic"]["id"].string)
    }

    /// Logs `who` (an e-mail made by `email(_:)`) in; the access token and the account id.
    func login(_ who: String) async throws -> (token: String, accountID: String) {
        let session = try await platform.login(email(who), Self.password)
        return (session.token, try #require(session.account["id"].string))
    }

    /// The clinic admin registers a patient; the patient's id in the clinic.
    func registerPatient(admin: String, given: String, family: String, nationalID: String) async throws -> String {
        let answer = try await edge.send(.POST, "/v1/patients", token: admin, json: """
            {"patient": {"name": {"givenName": "\(given)", "familyName": "\(family)"},
                         "birthDate": {"year": 1979, "month": 6, "day": 21}, "sex": "SEX_MALE",
                         "nationalId": {"value": "\(nationalID)", "regionCode": "FR"}}}
            """)
        try expectOK(answer, "RegisterPatient")
        #expect(answer.json["likelyDuplicates"].array.isEmpty)
        #expect(answer.json["patient"]["state"].exists)
        return try #require(answer.json["patient"]["id"].string)
    }

    /// Someone signs up as a patient (no clinic yet); the account id.
    func signUpPatient(_ who: String, given: String, family: String) async throws -> String {
        let answer = try await edge.send(.POST, "/v1/patients:signUp", json: """
            {"email": "\(email(who))", "password": "\(Self.password)", "name": {"givenName": "\(given)", "familyName": "\(family)"},
             "birthDate": {"year": 1991, "month": 2, "day": 9}, "sex": "SEX_FEMALE", "phone": "+33612345678",
             "languageCode": "fr", "acceptedTermsVersion": "2025-01", "requestId": "\(UUID().uuidString.lowercased())"}
            """)
        try expectOK(answer, "SignUpPatient")
        return try #require(answer.json["accountId"].string)
    }
}

/// Records an issue naming `what` unless the answer is 200; throws so the journey stops there
/// (every later step depends on this one).
func expectOK(_ answer: HTTPAnswer, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    guard answer.status == 200 else {
        Issue.record("\(what): HTTP \(answer.status) \(answer.text)", sourceLocation: sourceLocation)
        throw IntegrationError("\(what) failed")
    }
    #expect(answer.header("content-type")?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
}

/// Expects a JSON error answer with `status` and `code` (the edge's one error shape).
func expectError(
    _ answer: HTTPAnswer, _ status: Int, _ code: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(answer.status == status, "\(what): \(answer.text)", sourceLocation: sourceLocation)
    #expect(answer.errorCode == code, "\(what): \(answer.text)", sourceLocation: sourceLocation)
    #expect(answer.header("content-type")?.hasPrefix("application/json") == true, "\(what)", sourceLocation: sourceLocation)
    #expect(answer.json["message"].string?.isEmpty == false, "\(what): \(answer.text)", sourceLocation: sourceLocation)
}

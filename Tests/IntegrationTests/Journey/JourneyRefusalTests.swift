import Foundation
import Testing

/// What the edge refuses on the running platform: bad JSON, missing credentials, the wrong role,
/// another clinic's data, and the OpenAPI document it serves.
extension JourneyTests {
    @Test("refusals through the edge: bad JSON → 400 naming the problem, no token → 401, wrong role → 403, another clinic → 404/403; /openapi.json")
    func refusalsThroughTheEdge() async throws {
        let platform = try #require(JourneyPlatform.current)
        let people = try await JourneyActors(platform: platform, tag: "refusals")
        let edge = people.edge
        let north = try await people.openClinic(name: "Cabinet Médical Nord", street: "2 rue du Nord", admin: "north")
        let south = try await people.openClinic(name: "Maison de Santé Sud", street: "40 avenue du Sud", admin: "south")
        let northAdmin = try await people.login("north")
        let southAdmin = try await people.login("south")
        let southPatient = try await people.registerPatient(
            admin: southAdmin.token, given: "Rémi", family: "Southside", nationalID: "1850369000111")
        _ = try await people.signUpPatient("patient", given: "Nora", family: "Online")
        let patient = try await people.login("patient")

        // Bad JSON bodies: 400 invalid_argument, in JSON, naming what is wrong.
        let truncated = try await edge.send(.POST, "/v1/patients", token: northAdmin.token, json: #"{"patient": {"name": "#)
        expectError(truncated, 400, "invalid_argument", "truncated JSON")
        let notJSON = try await edge.send(
            .POST, "/rpc/clinic.patients.v1.PatientService/RegisterPatient", token: northAdmin.token, json: "patient=Ana")
        expectError(notJSON, 400, "invalid_argument", "a form body on an /rpc/ route")
        let wrongType = try await edge.send(
            .POST, "/v1/patients", token: northAdmin.token, json: #"{"patient": {"birthDate": {"year": "nineteen"}}}"#)
        expectError(wrongType, 400, "invalid_argument", "a string for an int32")
        #expect(wrongType.violatedFields == ["patient.birthDate.year"], "\(wrongType.text)")
        let unknownField = try await edge.send(
            .POST, "/v1/patients", token: northAdmin.token, json: #"{"patient": {"name": {"givenName": "Ana"}}, "urgency": "high"}"#)
        expectError(unknownField, 400, "invalid_argument", "an unknown field")
        #expect(unknownField.violatedFields == ["urgency"], "\(unknownField.text)")
        #expect(unknownField.json["message"].string?.contains("urgency") == true)
        // Well-formed JSON that breaks a rule of the .proto: refused by the generated validation.
        let missing = try await edge.send(.POST, "/v1/patients", token: northAdmin.token, json: "{}")
        expectError(missing, 400, "invalid_argument", "a required field missing")
        #expect(missing.violatedFields == ["patient"], "\(missing.text)")
        let badQuery = try await edge.get("/v1/free-slots", query: [("clinicId", north), ("pageSize", "lots")])
        expectError(badQuery, 400, "invalid_argument", "a query parameter of the wrong type")
        #expect(badQuery.violatedFields == ["pageSize"], "\(badQuery.text)")

        // No token, or one that is not a token: 401 with a Bearer challenge.
        let anonymous = try await edge.get("/v1/audit-events")
        expectError(anonymous, 401, "unauthenticated", "no token")
        #expect(anonymous.header("www-authenticate")?.hasPrefix("Bearer") == true)
        let anonymousBooking = try await edge.send(.POST, "/v1/appointments", json: #"{"clinicId": "\#(north)"}"#)
        expectError(anonymousBooking, 401, "unauthenticated", "booking without a token")
        let forged = try await edge.send(.GET, "/v1/audit-events", headers: [("Authorization", "Bearer eyJhbGciOiJub25lIn0.e30.")])
        expectError(forged, 401, "unauthenticated", "a token that does not verify")

        // The wrong role: 403 permission_denied.
        let patientAddsDoctor = try await edge.send(.POST, "/v1/doctors", token: patient.token, json: """
            {"doctor": {"name": {"familyName": "Intruder"}, "specialtyCodes": ["general-practice"]},
             "email": "\(people.email("intruder"))"}
            """)
        expectError(patientAddsDoctor, 403, "permission_denied", "a patient on the clinic admin's AddDoctor")
        let patientOpensClinic = try await edge.send(.POST, "/v1/clinics", token: patient.token, json: "{}")
        expectError(patientOpensClinic, 403, "permission_denied", "a patient on the super admin's CreateClinic")
        let adminOpensClinic = try await edge.send(.POST, "/v1/clinics", token: northAdmin.token, json: "{}")
        expectError(adminOpensClinic, 403, "permission_denied", "a clinic admin on the super admin's CreateClinic")

        // Another clinic's data: not found by id, refused by clinic.
        let otherPatient = try await edge.get("/v1/patients/\(southPatient)", token: northAdmin.token)
        expectError(otherPatient, 404, "not_found", "another clinic's patient id")
        let otherRecord = try await edge.get("/v1/patients/\(southPatient)/record", token: northAdmin.token)
        expectError(otherRecord, 404, "not_found", "another clinic's patient's record")
        let namedClinic = try await edge.get("/v1/patients/\(southPatient)", token: northAdmin.token, query: [("clinicId", south)])
        expectError(namedClinic, 403, "permission_denied", "naming another clinic")
        let otherAudit = try await edge.get("/v1/audit-events", token: northAdmin.token, query: [("clinicId", south)])
        expectError(otherAudit, 403, "permission_denied", "another clinic's audit log")
        let renameOther = try await edge.send(
            .PATCH, "/v1/clinics/\(south)", token: northAdmin.token, json: #"{"displayName": "Taken Over"}"#)
        expectError(renameOther, 403, "permission_denied", "updating another clinic")
        let unlinked = try await edge.get("/v1/patients/\(southPatient)", token: patient.token, query: [("clinicId", south)])
        #expect([403, 404].contains(unlinked.status), "a patient in a clinic they are not linked to: \(unlinked.text)")
        // The one who may, can: the same read by the clinic's own admin.
        let own = try await edge.get("/v1/patients/\(southPatient)", token: southAdmin.token)
        try expectOK(own, "GetPatient by the clinic's own admin")
        #expect(own.json["name"]["familyName"].string == "Southside")

        // Unknown routes are JSON too.
        let nowhere = try await edge.get("/v1/nowhere")
        expectError(nowhere, 404, "not_found", "an unknown route")

        // The OpenAPI document of every route, generated from the same descriptors.
        let openAPI = try await edge.get("/openapi.json")
        #expect(openAPI.status == 200)
        #expect(openAPI.json["openapi"].string?.hasPrefix("3.1") == true, "\(openAPI.text.prefix(200))")
        let paths = openAPI.json["paths"]
        #expect(paths["/v1/clinics"]["get"].exists && paths["/v1/clinics"]["post"].exists)
        #expect(paths["/v1/free-slots"]["get"].exists)
        #expect(paths["/v1/appointments/{appointment_id}:cancel"]["post"].exists || paths["/v1/appointments/{appointmentId}:cancel"]["post"].exists)
        // Bearer auth everywhere, except on public methods (an empty `security`).
        #expect(openAPI.json["security"][0]["bearerAuth"].exists)
        #expect(openAPI.json["components"]["securitySchemes"]["bearerAuth"].exists)
        #expect(!paths["/v1/audit-events"]["get"]["security"].exists)
        #expect(paths["/v1/clinics:search"]["get"]["security"].exists)
        #expect(paths["/v1/clinics:search"]["get"]["security"].array.isEmpty)
        #expect(openAPI.json["components"]["schemas"]["clinic.appointments.v1.Appointment"].exists)
    }
}

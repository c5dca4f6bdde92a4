import Foundation
@testable import Platform
import RPCCore
import Storage
import Testing

@Suite("Authorization interceptor: every policy path")
struct AuthorizationInterceptorTests {
    let tokens: TokenFixture

    init() throws { tokens = try TokenFixture() }

    private func withHarness(
        patientLinks: StandardTenantAdmission.PatientLinks? = nil, _ body: (CallHarness) async throws -> Void
    ) async throws {
        let harness = try CallHarness(router: ProbeService.router, verifier: tokens.verifier, patientLinks: patientLinks)
        do {
            try await body(harness)
        } catch {
            await harness.shutdown()
            throw error
        }
        await harness.shutdown()
    }

    @Test func publicMethodNeedsNoToken() async throws {
        try await withHarness { harness in
            let anonymous = try await harness.call(ProbeService.publicMethod.fullName)
            #expect(anonymous.status.isOK)
            #expect(anonymous.trailers["x-principal"] == "anonymous")
            // A valid token is attached; a bad one is ignored (a client refreshing may still send
            // its expired token).
            let withToken = try await harness.call(ProbeService.publicMethod.fullName, token: try tokens.token([.patient], account: "acc_p"))
            #expect(withToken.trailers["x-principal"] == "account acc_p")
            let badToken = try await harness.call(ProbeService.publicMethod.fullName, token: "garbage")
            #expect(badToken.status.isOK && badToken.trailers["x-principal"] == "anonymous")
        }
    }

    @Test func internalMethodOnlyForPlatformServices() async throws {
        try await withHarness { harness in
            let method = ProbeService.internalMethod.fullName
            let service = try await harness.call(method, from: .doctorsService)
            #expect(service.status.isOK && service.trailers["x-principal"] == "service doctors")
            #expect(try await harness.call(method).status.code == .unauthenticated)
            #expect(try await harness.call(method, from: .edge).status.code == .unauthenticated)
            let admin = try tokens.token([.superAdmin])
            #expect(try await harness.call(method, token: admin).status.code == .permissionDenied)
            #expect(try await harness.call(method, from: .edge, token: admin).status.code == .permissionDenied)
        }
    }

    @Test func rolesMustMatch() async throws {
        try await withHarness { harness in
            let method = ProbeService.staffMethod.fullName
            let doctor = try await harness.call(method, token: try tokens.token([.doctor], tenant: "clinic_a", account: "acc_d"))
            #expect(doctor.status.isOK && doctor.trailers["x-principal"] == "account acc_d")
            #expect(doctor.trailers["x-token-tenant"] == "clinic_a")
            #expect(try await harness.call(method, token: try tokens.token([.patient])).status.code == .permissionDenied)
            #expect(try await harness.call(method, token: try tokens.token([.superAdmin])).status.code == .permissionDenied)
            // A service identity does not stand in for a role the policy does not list.
            #expect(try await harness.call(method, from: .doctorsService).status.code == .permissionDenied)
        }
    }

    @Test func missingMalformedExpiredOrTamperedTokensAreUnauthenticated() async throws {
        try await withHarness { harness in
            let method = ProbeService.staffMethod.fullName
            let valid = try tokens.token([.doctor], tenant: "clinic_a")
            #expect(try await harness.call(method).status.code == .unauthenticated)
            for header in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer  \(valid)", valid, "Bearer \(valid) extra"] {
                let status = try await harness.call(method, metadata: ["authorization": header]).status
                #expect(status.code == .unauthenticated, "\(header.prefix(20))")
            }
            var twice = Metadata()
            twice.add("authorization", "Bearer \(valid)")
            twice.add("authorization", "Bearer \(valid)")
            #expect(try await harness.call(method, metadata: twice).status.code == .unauthenticated)
            // The scheme is case-insensitive (RFC 6750).
            #expect(try await harness.call(method, metadata: ["authorization": "bearer \(valid)"]).status.isOK)
            let tampered = String(valid.dropLast(2)) + (valid.hasSuffix("AA") ? "BA" : "AA")
            #expect(try await harness.call(method, token: tampered).status.code == .unauthenticated)
            tokens.clock.advance(by: 3600)
            let expired = try await harness.call(method, token: valid).status
            #expect(expired.code == .unauthenticated && expired.message.contains("expired"))
        }
    }

    @Test func serviceRoleComesFromTheCertificateNotFromAToken() async throws {
        try await withHarness { harness in
            let method = ProbeService.adminOrService.fullName
            let service = try await harness.call(method, from: .doctorsService)
            #expect(service.status.isOK && service.trailers["x-principal"] == "service doctors")
            // The edge's certificate is not a service's; without a token it is anonymous.
            #expect(try await harness.call(method, from: .edge).status.code == .unauthenticated)
            // A service forwarding a user's token acts as that user...
            let forwarded = try await harness.call(method, from: .doctorsService, token: try tokens.token([.superAdmin], account: "acc_sa"))
            #expect(forwarded.trailers["x-principal"] == "account acc_sa")
            #expect(try await harness.call(method, from: .doctorsService, token: try tokens.token([.patient])).status.code == .permissionDenied)
            // ...and a bad forwarded token does not fall back to the service's identity.
            #expect(try await harness.call(method, from: .doctorsService, token: "bad").status.code == .unauthenticated)
        }
    }

    @Test func methodWithoutRolesIsClosed() async throws {
        try await withHarness { harness in
            let method = ProbeService.nobody.fullName
            let admin = try tokens.token([.superAdmin])
            let asAdmin = try await harness.call(method, token: admin)
            let asService = try await harness.call(method, from: .doctorsService)
            #expect(asAdmin.status.code == .permissionDenied)
            #expect(asService.status.code == .permissionDenied)
        }
    }

    @Test func tenantComesFromTheTokenNeverFromTheRequest() async throws {
        try await withHarness { harness in
            let method = ProbeService.tenantMethod.fullName
            let adminA = try tokens.token([.clinicAdmin], tenant: "clinic_a")
            let adminB = try tokens.token([.clinicAdmin], tenant: "clinic_b")
            let written = try await harness.call(method, token: adminA, metadata: ["x-write": "a1"])
            #expect(written.status.isOK && written.trailers["x-tenant"] == "clinic_a" && written.trailers["x-markers"] == "a1")
            // Naming its own clinic is fine; naming another is refused, whatever the request says.
            #expect(try await harness.call(method, token: adminA, metadata: ["x-clinic-id": "clinic_a"]).status.isOK)
            let crossing = try await harness.call(method, token: adminA, metadata: ["x-clinic-id": "clinic_b", "x-write": "evil"])
            #expect(crossing.status.code == .permissionDenied)
            // Clinic B's database is its own: it never saw A's rows or the refused write.
            let seenByB = try await harness.call(method, token: adminB)
            #expect(seenByB.trailers["x-tenant"] == "clinic_b" && seenByB.trailers["x-markers"] == "")
        }
    }

    @Test func tenantlessCallersNameAnExistingClinicTheyMayActIn() async throws {
        let links: StandardTenantAdmission.PatientLinks = { account, tenant in account == "acc_linked" && tenant.rawValue == "clinic_b" }
        try await withHarness(patientLinks: links) { harness in
            let method = ProbeService.tenantMethod.fullName
            let admin = try tokens.token([.superAdmin])
            let named = try await harness.call(method, token: admin, metadata: ["x-clinic-id": "clinic_b"])
            #expect(named.status.isOK && named.trailers["x-tenant"] == "clinic_b")
            let missing = try await harness.call(method, token: admin)
            #expect(missing.status.code == .invalidArgument && missing.status.message.contains("clinic_id"))
            #expect(try await harness.call(method, token: admin, metadata: ["x-clinic-id": "../etc"]).status.code == .invalidArgument)
            #expect(try await harness.call(method, token: admin, metadata: ["x-clinic-id": "clinic_zzz"]).status.code == .notFound)
            // No database file was made for the unknown clinic.
            #expect(!FileManager.default.fileExists(atPath: harness.pool.path(for: try TenantID("clinic_zzz"))))
            // Services may act in any existing clinic.
            #expect(try await harness.call(method, from: .doctorsService, metadata: ["x-clinic-id": "clinic_a"]).status.isOK)
            // Patients only where they are linked.
            let linked = try tokens.token([.patient], account: "acc_linked")
            #expect(try await harness.call(method, token: linked, metadata: ["x-clinic-id": "clinic_b"]).status.isOK)
            #expect(try await harness.call(method, token: linked, metadata: ["x-clinic-id": "clinic_a"]).status.code == .permissionDenied)
            let stranger = try tokens.token([.patient], account: "acc_other")
            #expect(try await harness.call(method, token: stranger, metadata: ["x-clinic-id": "clinic_b"]).status.code == .permissionDenied)
            // Anonymous callers of a public tenant-scoped method name the clinic too.
            let anonymous = try await harness.call(ProbeService.publicTenantMethod.fullName, metadata: ["x-clinic-id": "clinic_a"])
            #expect(anonymous.status.isOK && anonymous.trailers["x-tenant"] == "clinic_a")
        }
    }

    @Test func methodsNotTenantScopedHaveNoTenantDatabase() async throws {
        try await withHarness { harness in
            let result = try await harness.call(
                ProbeService.staffMethod.fullName, token: try tokens.token([.doctor], tenant: "clinic_a"), metadata: ["x-try-tenant": "1"])
            #expect(result.status.code == .internal)
        }
    }

    @Test func keysNotAvailableYetIsUnavailable() async throws {
        let source = ChangingKeySource(keys: [], fails: true)
        let verifier = AccessTokenVerifier(keys: VerificationKeySet(source: source, minimumRefetchInterval: .zero), now: { tokens.clock.now })
        let harness = try CallHarness(router: ProbeService.router, verifier: verifier)
        let status = try await harness.call(ProbeService.staffMethod.fullName, token: try tokens.token([.doctor], tenant: "clinic_a")).status
        await harness.shutdown()
        #expect(status.code == .unavailable)
    }
}

@Suite("Access control decisions (no I/O)")
struct AccessControlTests {
    let staff = MethodPolicy(roles: ["doctor"], isPublic: false, isInternal: false, isIdempotent: false, isTenantScoped: false)

    private func code(_ decision: AccessControl.Decision) -> RPCError.Code? {
        if case .deny(let error) = decision { return error.code }
        return nil
    }

    @Test func decisions() {
        let doctor = Principal(accountID: "a", roles: [.doctor], tenant: nil)
        let patient = Principal(accountID: "p", roles: [.patient], tenant: nil)
        #expect(code(AccessControl.decide(policy: staff, method: "m", token: .verified(doctor), service: nil)) == nil)
        #expect(code(AccessControl.decide(policy: staff, method: "m", token: .verified(patient), service: nil)) == .permissionDenied)
        #expect(code(AccessControl.decide(policy: staff, method: "m", token: .absent, service: nil)) == .unauthenticated)
        #expect(code(AccessControl.decide(policy: staff, method: "m", token: .refused(TokenError(.expired, "")), service: "doctors")) == .unauthenticated)
        #expect(code(AccessControl.decide(policy: staff, method: "m", token: .refused(TokenError(.keysUnavailable, "")), service: nil)) == .unavailable)
        #expect(code(AccessControl.decide(policy: .internalOnly, method: "m", token: .absent, service: "auth")) == nil)
        #expect(code(AccessControl.decide(policy: .internalOnly, method: "m", token: .verified(doctor), service: nil)) == .permissionDenied)
    }

    @Test func serviceTrust() {
        let trust = ServiceTrust.platformServices
        #expect(trust.service(forPeerIdentity: "spiffe://clinic/auth") == "auth")
        #expect(trust.service(forPeerIdentity: "spiffe://clinic/edge") == nil)
        #expect(trust.service(forPeerIdentity: "spiffe://clinic/cli") == nil)
        #expect(trust.service(forPeerIdentity: "spiffe://other/auth") == nil)
        #expect(trust.service(forPeerIdentity: "spiffe://clinic/auth/extra") == nil)
        #expect(trust.service(forPeerIdentity: nil) == nil)
        #expect(trust.adding("edge").service(forPeerIdentity: "spiffe://clinic/edge") == "edge")
    }
}

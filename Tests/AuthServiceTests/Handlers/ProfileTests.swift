@testable import AuthService
import ClinicAPI
import Foundation
@testable import Platform
import RPCCore
import Storage
import Testing

@Suite("Profiles with role-based visibility")
struct ProfileTests {
    @Test func visibilityFollowsTheViewer() async throws {
        try await AuthHarness.with { harness in
            let (doctor, doctorAccount) = try await harness.signedIn("doc@clinic.example", roles: [.doctor], clinic: "clinic_a")
            var update = Clinic_Auth_V1_UpdateProfileRequest()
            update.phone = "+33612345678"
            update.timeZone = "Europe/Paris"
            let own = try await doctor.auth.updateProfile(update)
            #expect(own.view == .full && own.contact?.phone == "+33612345678" && own.timeZone == "Europe/Paris")
            #expect(try await doctor.auth.getProfile(Requests.profile("me")).view == .full)

            let (admin, _) = try await harness.signedIn("admin@clinic.example", roles: [.clinicAdmin], clinic: "clinic_a")
            #expect(try await admin.auth.getProfile(Requests.profile(doctorAccount.id)).view == .full)
            let (colleague, _) = try await harness.signedIn("colleague@clinic.example", roles: [.doctor], clinic: "clinic_a")
            let limited = try await colleague.auth.getProfile(Requests.profile(doctorAccount.id))
            #expect(limited.view == .limited && limited.contact == nil && limited.timeZone.isEmpty && limited.name?.givenName == "Test")
            let (outsider, _) = try await harness.signedIn("outsider@clinic.example", roles: [.clinicAdmin], clinic: "clinic_b")
            #expect(await rpcCode { try await outsider.auth.getProfile(Requests.profile(doctorAccount.id)) } == .notFound)
            let (patient, _) = try await harness.signedIn("patient@clinic.example", roles: [.patient])
            #expect(await rpcCode { try await patient.auth.getProfile(Requests.profile(doctorAccount.id)) } == .notFound)
            let (root, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            #expect(try await root.auth.getProfile(Requests.profile(doctorAccount.id)).view == .full)
        }
    }

    @Test func linkedPatientsSeeTheirClinicsDoctorsLimited() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = TestClock()
        var configuration = AuthHarness.configuration(directory: directory, clock: clock)
        configuration.patientLinks = { _, tenant in tenant.rawValue == "clinic_a" }
        let service = try await AuthService.start(configuration: configuration)
        let context = ServerContext(
            method: Clinic_Auth_V1_AuthService.Method.GetProfile.descriptor, requestMetadata: [:], deadline: nil,
            peer: Peer(address: "test"), attributes: try attributes(Principal(accountID: "acc_patient", roles: [.patient], tenant: nil)),
            logger: configuration.logger)
        var name = Clinic_Common_V1_PersonName()
        name.familyName = "House"
        var input = Clinic_Auth_V1_Account()
        input.email = "house@clinic.example"
        input.name = name
        input.roles = [.doctor]
        let draft = try AccountDraft(input, password: "", policy: service.passwordPolicy)
        let doctorA = try await service.insertAccount(draft, clinicID: "clinic_a", now: clock.now)
        input.email = "wilson@clinic.example"
        let doctorB = try await service.insertAccount(
            try AccountDraft(input, password: "", policy: service.passwordPolicy), clinicID: "clinic_b", now: clock.now)
        let seen = try await service.getProfile(request: Requests.profile(doctorA.id), context: context)
        #expect(seen.view == .limited && seen.contact == nil)
        await #expect(throws: RPCError.accountNotFound) { try await service.getProfile(request: Requests.profile(doctorB.id), context: context) }
        await service.close()
    }

    /// Attributes as the interceptor leaves them, for calling a handler directly.
    private func attributes(_ principal: Principal) throws -> ContextAttributes {
        var attributes = ContextAttributes()
        attributes[PrincipalKey.self] = principal
        return attributes
    }
}

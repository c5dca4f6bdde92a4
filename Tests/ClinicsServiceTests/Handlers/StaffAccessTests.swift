import AuthService
import ClinicAPI
@testable import ClinicsService
import Foundation
import Platform
import RPCCore
import Storage
import Testing

@Suite("DeleteClinic ends its staff's logins, UndeleteClinic restores them")
struct StaffAccessTests {
    static func delete(_ harness: ClinicsHarness, _ id: String, etag: String = "") async throws -> Clinic_Clinics_V1_Clinic {
        var request = Clinic_Clinics_V1_DeleteClinicRequest()
        request.clinicId = id
        request.etag = etag
        return try await harness.clinics.deleteClinic(request, options: try harness.superAdmin)
    }

    static func undelete(_ harness: ClinicsHarness, _ id: String) async throws -> Clinic_Clinics_V1_Clinic {
        var request = Clinic_Clinics_V1_UndeleteClinicRequest()
        request.clinicId = id
        return try await harness.clinics.undeleteClinic(request, options: try harness.superAdmin)
    }

    /// Logs the admin in and returns the refresh token (throws when the login is refused).
    static func login(_ harness: ClinicsHarness, _ email: String) async throws -> String {
        var request = Clinic_Auth_V1_LoginRequest()
        request.email = email
        request.password = Fixtures.password
        return try await harness.auth.login(request).tokens?.refreshToken ?? ""
    }

    /// Tries to log in every 25 ms, up to `attempts` times, until the login is refused
    /// (`unauthenticated`); whether it was.
    static func waitForLockout(_ harness: ClinicsHarness, _ email: String, attempts: Int) async throws -> Bool {
        for _ in 0..<attempts {
            do {
                _ = try await login(harness, email)
                try await Task.sleep(for: .milliseconds(25))
            } catch let error as RPCError where error.code == .unauthenticated {
                return true
            }
        }
        return false
    }

    static func refresh(_ harness: ClinicsHarness, _ token: String) async throws {
        var request = Clinic_Auth_V1_RefreshTokenRequest()
        request.refreshToken = token
        _ = try await harness.auth.refreshToken(request)
    }

    @Test("after DeleteClinic the clinic admin can neither log in nor refresh; after UndeleteClinic they log in again")
    func deleteAndUndelete() async throws {
        try await withHarness { harness in
            let email = "admin-staff@example.org"
            let id = try await harness.createClinic(adminEmail: email).clinic!.id
            let refreshToken = try await Self.login(harness, email)
            let other = "admin-other@example.org"
            _ = try await harness.createClinic("Autre Clinique", adminEmail: other)

            let deleted = try await Self.delete(harness, id)
            #expect(deleted.state == .deleted)
            await expectError(.unauthenticated) { _ = try await Self.login(harness, email) }
            await expectError(.unauthenticated) { try await Self.refresh(harness, refreshToken) }
            _ = try await Self.login(harness, other)
            // Deleting again changes nothing and succeeds.
            #expect(try await Self.delete(harness, id).etag == deleted.etag)

            #expect(try await Self.undelete(harness, id).state == .active)
            _ = try await Self.login(harness, email)
            #expect(await harness.service.resumePendingStaffAccess() == 0)
        }
    }

    @Test("with auth unreachable, DeleteClinic is unavailable and repeating it finishes the job")
    func authDownThenRetry() async throws {
        let faults = AuthFaults()
        try await withHarness(authInterceptors: [faults]) { harness in
            let email = "admin-down@example.org"
            let created = try await harness.createClinic(adminEmail: email).clinic!
            let id = created.id
            faults.setClinicAccessDown(true)
            await expectError(.unavailable) { _ = try await Self.delete(harness, id, etag: created.etag) }
            // The clinic is deleted for every other service already; the logins are not off yet.
            var get = Clinic_Clinics_V1_GetClinicRequest()
            get.clinicId = id
            #expect(try await harness.clinics.getClinic(get, options: try harness.superAdmin).state == .deleted)
            await expectError(.notFound) { _ = try await harness.clinics.getClinic(get) }
            _ = try await Self.login(harness, email)

            faults.setClinicAccessDown(false)
            // The very same request again (its etag is from before the deletion) finishes it.
            #expect(try await Self.delete(harness, id, etag: created.etag).state == .deleted)
            await expectError(.unauthenticated) { _ = try await Self.login(harness, email) }
            // Once finished, that etag is stale like any other.
            await expectError(.aborted) { _ = try await Self.delete(harness, id, etag: created.etag) }

            // The same for undelete: unavailable, still locked out, then finished by repeating it
            // (an active clinic whose logins are not back is not "not deleted").
            faults.setClinicAccessDown(true)
            await expectError(.unavailable) { _ = try await Self.undelete(harness, id) }
            await expectError(.unauthenticated) { _ = try await Self.login(harness, email) }
            faults.setClinicAccessDown(false)
            #expect(try await Self.undelete(harness, id).state == .active)
            _ = try await Self.login(harness, email)
            await expectError(.failedPrecondition) { _ = try await Self.undelete(harness, id) }
        }
    }

    @Test("a change left unconfirmed is finished by the background retry once auth is back")
    func backgroundRetry() async throws {
        let faults = AuthFaults()
        try await withHarness(authInterceptors: [faults], staffAccessRetryDelay: .milliseconds(20)) { harness in
            let email = "admin-retry@example.org"
            let id = try await harness.createClinic(adminEmail: email).clinic!.id
            faults.setClinicAccessDown(true)
            await expectError(.unavailable) { _ = try await Self.delete(harness, id) }
            faults.setClinicAccessDown(false)
            // No repeat of the request: the loop (20 ms, then doubling) tells auth by itself.
            let lockedOut = try await Self.waitForLockout(harness, email, attempts: 400)
            #expect(lockedOut)
            #expect(await harness.service.resumePendingStaffAccess() == 0)
        }
    }

    @Test("a change left unconfirmed is finished when the clinics service starts again")
    func resumedAtStart() async throws {
        let faults = AuthFaults()
        try await withHarness(authInterceptors: [faults]) { harness in
            let email = "admin-restart@example.org"
            let id = try await harness.createClinic(adminEmail: email).clinic!.id
            faults.setClinicAccessDown(true)
            await expectError(.unavailable) { _ = try await Self.delete(harness, id) }
            #expect(await harness.service.resumePendingStaffAccess() == 1)
            faults.setClinicAccessDown(false)

            // A second instance on the same data folder, as after a restart: it resumes at start.
            let restarted = try await ClinicsService.start(
                configuration: ClinicsHarness.configuration(directory: harness.directory),
                auth: Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: harness.authFromClinics.client)))
            let lockedOut = try await Self.waitForLockout(harness, email, attempts: 200)
            await restarted.close()
            #expect(lockedOut)
            #expect(await harness.service.resumePendingStaffAccess() == 0)
        }
    }
}

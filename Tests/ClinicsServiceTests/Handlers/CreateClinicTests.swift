import ClinicAPI
@testable import ClinicsService
import Foundation
import Platform
import RPCCore
import Testing

@Suite("CreateClinic")
struct CreateClinicTests {
    @Test("creates an active clinic and its first admin, who can log in and manage it")
    func happyPath() async throws {
        try await withHarness { harness async throws in
            let response = try await harness.createClinic("Clinique Santé Lyon", adminEmail: "first.admin@example.org")
            let clinic = try #require(response.clinic)
            #expect(clinic.id.hasPrefix("cln_"))
            #expect(clinic.state == .active)
            #expect(clinic.displayName == "Clinique Santé Lyon")
            #expect(clinic.timeZone == "Europe/Paris")
            #expect(clinic.etag == "v1")
            #expect(clinic.bookingPolicy?.maxAdvance?.seconds == Int64(180 * 86_400))
            #expect(!response.adminAccountId.isEmpty)

            // The admin account is real: it logs in, holds clinic_admin in this clinic, and its
            // token lets it change the clinic.
            let admin = try await harness.login("first.admin@example.org", Fixtures.password)
            var get = Clinic_Auth_V1_GetAccountRequest()
            get.accountId = "me"
            let account = try await harness.auth.getAccount(get, options: admin)
            #expect(account.id == response.adminAccountId)
            #expect(account.roles == [.clinicAdmin])
            #expect(account.clinicId == clinic.id)
            var update = Clinic_Clinics_V1_UpdateClinicRequest()
            update.clinicId = clinic.id
            update.websiteUri = "https://clinique.example.org"
            let updated = try await harness.clinics.updateClinic(update, options: admin)
            #expect(updated.websiteUri == "https://clinique.example.org")
        }
    }

    @Test("without an initial password the admin gets an invitation")
    func invitation() async throws {
        try await withHarness { harness async throws in
            let response = try await harness.createClinic(adminEmail: "invited@example.org", password: "")
            var get = Clinic_Auth_V1_GetAccountRequest()
            get.accountId = response.adminAccountId
            let account = try await harness.auth.getAccount(get, options: try harness.superAdmin)
            #expect(account.state == .pendingActivation)
            #expect(try await harness.authService.pendingOutboxMessages().contains { $0.accountID == account.id })
        }
    }

    @Test("only the super admin creates clinics")
    func authorization() async throws {
        try await withHarness { harness async throws in
            let request = Fixtures.createRequest("Clinique Nord")
            for roles: Set<Role> in [[.clinicAdmin], [.doctor], [.patient]] {
                await expectError(.permissionDenied) {
                    _ = try await harness.clinics.createClinic(request, options: try harness.caller(roles, tenant: roles == [.patient] ? nil : "cln_x"))
                }
            }
            await expectError(.unauthenticated) { _ = try await harness.clinics.createClinic(request) }
            #expect(try await harness.storedClinicCount() == 0)
            #expect(try await harness.accountCount(email: request.firstAdmin!.email) == 0)
        }
    }

    @Test(
        "every invalid field is invalid_argument naming it, and nothing is written",
        arguments: [
            ("clinic", { @Sendable (r: inout Clinic_Clinics_V1_CreateClinicRequest) in r.clinic = nil }),
            ("first_admin", { r in r.firstAdmin = nil }),
            ("clinic.display_name", { r in r.clinic!.displayName = "   " }),
            ("clinic.address", { r in r.clinic!.address = nil }),
            ("clinic.address.locality", { r in r.clinic!.address!.locality = " " }),
            ("clinic.address.region_code", { r in r.clinic!.address!.regionCode = "" }),
            ("clinic.address.region_code", { r in r.clinic!.address!.regionCode = "France" }),
            ("clinic.time_zone", { r in r.clinic!.timeZone = "" }),
            ("clinic.time_zone", { r in r.clinic!.timeZone = "Europe/Lyon" }),
            ("clinic.time_zone", { r in r.clinic!.timeZone = "Mars/Olympus_Mons" }),
            ("clinic.currency", { r in r.clinic!.currency = "" }),
            ("clinic.currency", { r in r.clinic!.currency = "euro" }),
            ("clinic.website_uri", { r in r.clinic!.websiteUri = "not a uri" }),
            ("clinic.contact.email", { r in r.clinic!.contact = .init(); r.clinic!.contact!.email = "nope" }),
            ("clinic.specialty_codes[1]", { r in r.clinic!.specialtyCodes = ["cardiology", "cardiology"] }),
            ("clinic.specialty_codes[1]", { r in r.clinic!.specialtyCodes = ["cardiology", "astrology"] }),
            ("clinic.opening_hours[1].hours", { r in
                r.clinic!.openingHours = [Fixtures.hours(.monday, 9, 12), Fixtures.hours(.monday, 11, 14)]
            }),
            ("clinic.opening_hours[0].hours.end", { r in r.clinic!.openingHours = [Fixtures.hours(.monday, 12, 9)] }),
            ("clinic.opening_hours[0].day_of_week", { r in r.clinic!.openingHours = [Fixtures.hours(.unspecified, 9, 12)] }),
            ("clinic.closures[0].dates.start_date", { r in
                r.clinic!.closures = [Fixtures.closure(Fixtures.date(2025, 2, 30), Fixtures.date(2025, 3, 2))]
            }),
            ("clinic.closures[0].dates.end_date", { r in
                r.clinic!.closures = [Fixtures.closure(Fixtures.date(2025, 3, 2), Fixtures.date(2025, 3, 1))]
            }),
            ("clinic.closures[0].dates", { r in
                r.clinic!.closures = [Fixtures.closure(Fixtures.date(2025, 1, 1), Fixtures.date(2026, 6, 1))]
            }),
            ("clinic.booking_policy.min_lead_time", { r in
                r.clinic!.bookingPolicy = .init(); r.clinic!.bookingPolicy!.minLeadTime = .init(); r.clinic!.bookingPolicy!.minLeadTime!.seconds = -5
            }),
            ("clinic.booking_policy.max_advance", { r in
                var policy = Clinic_Clinics_V1_BookingPolicy()
                policy.minLeadTime = .init(); policy.minLeadTime!.seconds = 7200
                policy.maxAdvance = .init(); policy.maxAdvance!.seconds = 3600
                r.clinic!.bookingPolicy = policy
            }),
            ("first_admin.name", { r in r.firstAdmin!.name = .init() }),
            ("first_admin.email", { r in r.firstAdmin!.email = "" }),
            ("first_admin.email", { r in r.firstAdmin!.email = "not-an-email" }),
            ("first_admin.initial_password", { r in r.firstAdmin!.initialPassword = "short" }),
            ("first_admin.initial_password", { r in r.firstAdmin!.initialPassword = "password1234" }),
            ("request_id", { r in r.requestId = "not-a-uuid" }),
        ] as [(String, @Sendable (inout Clinic_Clinics_V1_CreateClinicRequest) -> Void)]
    )
    func validation(field: String, change: @Sendable (inout Clinic_Clinics_V1_CreateClinicRequest) -> Void) async throws {
        try await withHarness { harness async throws in
            var request = Fixtures.createRequest("Clinique Validation")
            change(&request)
            await expectError(.invalidArgument, field: field) {
                _ = try await harness.clinics.createClinic(request, options: try harness.superAdmin)
            }
            #expect(try await harness.storedClinicCount() == 0)
        }
    }

    @Test("same name and address, compared case- and accent-insensitively, is already_exists")
    func duplicates() async throws {
        try await withHarness { harness async throws in
            let first = try await harness.createClinic("Clinique Santé", street: "1 Rue de la République")
            let error = await expectError(.alreadyExists) {
                try await harness.createClinic("  clinique   SANTE ", street: "1 rue de la republique")
            }
            #expect(error?.message.contains(first.clinic!.id) == true)
            // Another address, or another name, is another clinic.
            try await harness.createClinic("Clinique Santé", street: "2 rue de la République")
            try await harness.createClinic("Clinique Santé Est", street: "1 rue de la République")
            #expect(try await harness.storedClinicCount() == 3)
        }
    }

    @Test("an e-mail that already has an account is already_exists and leaves no clinic behind")
    func adminEmailTaken() async throws {
        try await withHarness { harness async throws in
            try await harness.createClinic("Clinique Un", adminEmail: "taken@example.org")
            await expectError(.alreadyExists, field: "first_admin.email") {
                try await harness.createClinic("Clinique Deux", adminEmail: "TAKEN@example.org")
            }
            #expect(try await harness.storedClinicCount() == 1)
            // The name is free again: nothing was left reserved.
            try await harness.createClinic("Clinique Deux", adminEmail: "other@example.org")
        }
    }

    @Test("a weak password is refused by the auth service and leaves no clinic behind")
    func weakPassword() async throws {
        try await withHarness { harness async throws in
            await expectError(.invalidArgument, field: "first_admin.initial_password") {
                try await harness.createClinic("Clinique Faible", password: "aaaaaaaaaaaaaaaa")
            }
            #expect(try await harness.storedClinicCount() == 0)
        }
    }

    @Test("auth unavailable: the creation is not visible, and a retry resumes it")
    func authUnavailableThenRetry() async throws {
        let faults = AuthFaults()
        try await withHarness(authInterceptors: [faults]) { harness async throws in
            faults.set(.unavailableBefore)
            let request = Fixtures.createRequest("Clinique Reprise", adminEmail: "resume@example.org")
            await expectError(.unavailable) { _ = try await harness.clinics.createClinic(request, options: try harness.superAdmin) }
            var list = try await harness.clinics.listClinics(.init())
            #expect(list.clinics.isEmpty)
            // Meanwhile the name is held: someone else cannot take it.
            await expectError(.alreadyExists) { try await harness.createClinic("Clinique Reprise", adminEmail: "x@example.org") }

            faults.set(.none)
            let response = try await harness.clinics.createClinic(request, options: try harness.superAdmin)
            #expect(response.clinic?.state == .active)
            list = try await harness.clinics.listClinics(.init())
            #expect(list.clinics.map(\.id) == [response.clinic!.id])
            #expect(try await harness.accountCount(email: "resume@example.org") == 1)
        }
    }

    @Test("a lost auth response: the retry finds the account made the first time, not a second one")
    func lostResponseThenRetry() async throws {
        let faults = AuthFaults()
        try await withHarness(authInterceptors: [faults]) { harness async throws in
            faults.set(.unavailableAfter)
            let request = Fixtures.createRequest("Clinique Perdue", adminEmail: "lost@example.org")
            await expectError(.unavailable) { _ = try await harness.clinics.createClinic(request, options: try harness.superAdmin) }
            #expect(try await harness.accountCount(email: "lost@example.org") == 1)
            var get = Clinic_Clinics_V1_GetClinicRequest()
            let stored = try await harness.service.database.read { db in try db.scalar("SELECT id FROM clinics", as: String.self) }
            get.clinicId = stored
            await expectError(.notFound) { _ = try await harness.clinics.getClinic(get, options: try harness.superAdmin) }

            faults.set(.none)
            // An attempt that crashed mid-way still holds its claim: the retry waits for it to expire.
            try await harness.service.database.write { db in try db.execute("UPDATE clinics SET claimed_until = ?", [Date().addingTimeInterval(60)]) }
            await expectError(.alreadyExists) { _ = try await harness.clinics.createClinic(request, options: try harness.superAdmin) }
            try await harness.service.database.write { db in try db.execute("UPDATE clinics SET claimed_until = ?", [Date().addingTimeInterval(-1)]) }
            let response = try await harness.clinics.createClinic(request, options: try harness.superAdmin)
            #expect(response.clinic?.id == stored)
            #expect(try await harness.accountCount(email: "lost@example.org") == 1)
            _ = try await harness.login("lost@example.org", Fixtures.password)
        }
    }

    @Test("a creation abandoned long ago no longer holds its name")
    func abandonedCreation() async throws {
        let faults = AuthFaults()
        try await withHarness(authInterceptors: [faults]) { harness async throws in
            faults.set(.unavailableBefore)
            await expectError(.unavailable) { try await harness.createClinic("Clinique Oubliée", adminEmail: "a@example.org") }
            // Age the provisioning row past abandonedCreationAge.
            try await harness.service.database.write { db in try db.execute("UPDATE clinics SET created_at = 0") }
            faults.set(.none)
            let response = try await harness.createClinic("Clinique Oubliée", adminEmail: "b@example.org")
            #expect(response.clinic?.state == .active)
            #expect(try await harness.storedClinicCount() == 1)
        }
    }

    @Test("a retry with the same request_id returns the first result")
    func idempotency() async throws {
        try await withHarness { harness async throws in
            var request = Fixtures.createRequest("Clinique Idempotente")
            request.requestId = UUID().uuidString.lowercased()
            let first = try await harness.clinics.createClinic(request, options: try harness.superAdmin)
            let second = try await harness.clinics.createClinic(request, options: try harness.superAdmin)
            #expect(first.clinic?.id == second.clinic?.id)
            #expect(first.adminAccountId == second.adminAccountId)
            #expect(try await harness.storedClinicCount() == 1)
        }
    }

    @Test("the very same request sent several times at once: one clinic, one account, the others already_exists")
    func concurrentSameRequest() async throws {
        try await withHarness { harness async throws in
            let options = try harness.superAdmin
            let request = Fixtures.createRequest("Clinique Doublon", adminEmail: "double@example.org")
            let outcomes = await withTaskGroup(of: RPCError.Code?.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        do {
                            _ = try await harness.clinics.createClinic(request, options: options)
                            return nil
                        } catch let error as RPCError {
                            return error.code
                        } catch {
                            return .unknown
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == .alreadyExists }.count == 5, "\(outcomes)")
            #expect(try await harness.storedClinicCount() == 1)
            #expect(try await harness.accountCount(email: "double@example.org") == 1)
        }
    }

    @Test("concurrent creations of the same clinic: exactly one succeeds, the others already_exists")
    func concurrentDuplicates() async throws {
        try await withHarness { harness async throws in
            let options = try harness.superAdmin
            let outcomes = await withTaskGroup(of: RPCError.Code?.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await harness.clinics.createClinic(
                                Fixtures.createRequest("Clinique Course", adminEmail: "race\(index)@example.org"), options: options)
                            return nil
                        } catch let error as RPCError {
                            return error.code
                        } catch {
                            return .unknown
                        }
                    }
                }
                var outcomes: [RPCError.Code?] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.filter { $0 == nil }.count == 1)
            #expect(outcomes.filter { $0 == .alreadyExists }.count == 7, "\(outcomes)")
            #expect(try await harness.storedClinicCount() == 1)
        }
    }
}

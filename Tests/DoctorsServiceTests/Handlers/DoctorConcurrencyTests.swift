import ClinicAPI
@testable import DoctorsService
import Foundation
import Platform
import RPCCore
import Testing

@Suite("Concurrent changes")
struct DoctorConcurrencyTests {
    /// Runs `count` copies of `body` at once; returns nil for each success, else the error code.
    static func race(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async -> [RPCError.Code?] {
        await withTaskGroup(of: RPCError.Code?.self) { group in
            for index in 0..<count {
                group.addTask {
                    do {
                        try await body(index)
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
    }

    @Test("adding the same e-mail at once: one doctor, one account, the others already_exists")
    func sameEmail() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let outcomes = await Self.race(6) { _ in
                try await harness.addDoctor(to: clinic, email: "twin@example.org")
            }
            #expect(outcomes.filter { $0 == nil }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == .alreadyExists }.count == 5, "\(outcomes)")
            #expect(try await harness.storedDoctorCount(clinic) == 1)
            var accounts = Clinic_Auth_V1_ListAccountsRequest()
            accounts.query = "twin@"
            #expect(try await harness.auth.listAccounts(accounts, options: try harness.caller([.superAdmin])).accounts.count == 1)
        }
    }

    @Test("setting the week with the same etag at once: exactly one wins")
    func weekWithEtag() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let admin = try harness.admin(clinic)
            let outcomes = await Self.race(6) { index in
                _ = try await harness.doctors.setWeeklyAvailability(
                    DoctorFixtures.setAvailability(doctor.id, [DoctorFixtures.window(.monday, (8 + Int32(index), 0), (20, 0))], etag: "v0"),
                    options: admin)
            }
            #expect(outcomes.filter { $0 == nil }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == .aborted }.count == 5, "\(outcomes)")
            var get = Clinic_Doctors_V1_GetWeeklyAvailabilityRequest()
            get.doctorId = doctor.id
            #expect(try await harness.doctors.getWeeklyAvailability(get, options: admin).etag == "v1")
        }
    }

    @Test("overlapping time off created at once: exactly one is stored")
    func overlappingExceptions() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let admin = try harness.admin(clinic)
            let outcomes = await Self.race(6) { index in
                let start = 1_900_000_000 + Int64(index) * 600
                _ = try await harness.doctors.createAvailabilityException(
                    DoctorFixtures.exception(doctor.id, .timeOff, start, start + 86_400), options: admin)
            }
            #expect(outcomes.filter { $0 == nil }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == .invalidArgument }.count == 5, "\(outcomes)")
        }
    }
}

import ClinicAPI
@testable import DoctorsService
import Foundation
import Platform
import RPCCore
import Testing
import WellKnownTypes

@Suite("Availability exceptions")
struct ExceptionTests {
    static let day: Int64 = 86_400

    static func list(_ doctorID: String, from: Int64? = nil, to: Int64? = nil, kind: Clinic_Doctors_V1_AvailabilityExceptionKind = .unspecified) -> Clinic_Doctors_V1_ListAvailabilityExceptionsRequest {
        var request = Clinic_Doctors_V1_ListAvailabilityExceptionsRequest()
        request.doctorId = doctorID
        if from != nil || to != nil {
            var interval = Clinic_Common_V1_Interval()
            if let from { interval.startTime = .init(); interval.startTime!.seconds = from }
            if let to { interval.endTime = .init(); interval.endTime!.seconds = to }
            request.overlaps = interval
        }
        request.kind = kind
        return request
    }

    @Test("create, list (overlapping, by kind, in start order, from now by default), delete")
    func lifecycle() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let admin = try harness.admin(clinic)
            let now = Int64(Date().timeIntervalSince1970)
            let base = (now / Self.day + 10) * Self.day
            let offLater = try await harness.doctors.createAvailabilityException(
                DoctorFixtures.exception(doctor.id, .timeOff, base + 5 * Self.day, base + 6 * Self.day), options: admin)
            let extra = try await harness.doctors.createAvailabilityException(
                DoctorFixtures.exception(doctor.id, .extraHours, base, base + 3 * 3600, slotMinutes: 15), options: admin)
            let past = try await harness.doctors.createAvailabilityException(
                DoctorFixtures.exception(doctor.id, .timeOff, base - 400 * Self.day, base - 399 * Self.day), options: admin)
            #expect(offLater.kind == .timeOff)
            #expect(offLater.slotDuration == nil)
            #expect(offLater.reason == "Conference")
            #expect(offLater.creator?.role == .clinicAdmin)
            #expect(offLater.creator?.accountId == "acc_admin_\(clinic)")
            #expect(extra.slotDuration?.seconds == 900)

            #expect(try await harness.doctors.listAvailabilityExceptions(Self.list(doctor.id), options: admin).exceptions.map(\.id) == [extra.id, offLater.id])
            #expect(try await harness.doctors.listAvailabilityExceptions(Self.list(doctor.id, from: 0), options: admin).exceptions.map(\.id) == [past.id, extra.id, offLater.id])
            #expect(try await harness.doctors.listAvailabilityExceptions(Self.list(doctor.id, from: 0, kind: .timeOff), options: admin).exceptions.map(\.id) == [past.id, offLater.id])
            #expect(try await harness.doctors.listAvailabilityExceptions(Self.list(doctor.id, to: base + 1), options: admin).exceptions.map(\.id) == [past.id, extra.id])
            #expect(try await harness.doctors.listAvailabilityExceptions(Self.list(doctor.id, from: base + 3 * 3600, to: base + 5 * Self.day), options: admin).exceptions.isEmpty)

            var page = Self.list(doctor.id, from: 0)
            page.pageSize = 2
            let first = try await harness.doctors.listAvailabilityExceptions(page, options: admin)
            #expect(first.exceptions.map(\.id) == [past.id, extra.id])
            page.pageToken = first.nextPageToken
            #expect(try await harness.doctors.listAvailabilityExceptions(page, options: admin).exceptions.map(\.id) == [offLater.id])
            page.kind = .extraHours
            await expectError(.invalidArgument, field: "page_token") { _ = try await harness.doctors.listAvailabilityExceptions(page, options: admin) }

            var delete = Clinic_Doctors_V1_DeleteAvailabilityExceptionRequest()
            delete.doctorId = doctor.id
            delete.exceptionId = extra.id
            _ = try await harness.doctors.deleteAvailabilityException(delete, options: admin)
            await expectError(.notFound) { _ = try await harness.doctors.deleteAvailabilityException(delete, options: admin) }
            #expect(try await harness.doctors.listAvailabilityExceptions(Self.list(doctor.id), options: admin).exceptions.map(\.id) == [offLater.id])
        }
    }

    @Test("same-kind overlaps are invalid_argument; time off may overlap extra hours")
    func overlaps() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let admin = try harness.admin(clinic)
            let start: Int64 = 1_900_000_000
            _ = try await harness.doctors.createAvailabilityException(
                DoctorFixtures.exception(doctor.id, .timeOff, start, start + 7200), options: admin)
            await expectError(.invalidArgument, field: "exception.interval") {
                _ = try await harness.doctors.createAvailabilityException(
                    DoctorFixtures.exception(doctor.id, .timeOff, start + 3600, start + 9000), options: admin)
            }
            // Touching is not overlapping.
            _ = try await harness.doctors.createAvailabilityException(
                DoctorFixtures.exception(doctor.id, .timeOff, start + 7200, start + 9000), options: admin)
            _ = try await harness.doctors.createAvailabilityException(
                DoctorFixtures.exception(doctor.id, .extraHours, start, start + 7200, slotMinutes: 30), options: admin)
        }
    }

    @Test("a doctor manages their own exceptions only; services list them; a retry with request_id is one exception")
    func authorizationAndIdempotency() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic, given: "Grace", family: "Hopper")
            let colleague = try await harness.addDoctor(to: clinic, family: "Colleague")
            let own = try harness.doctorCaller(doctor, clinicID: clinic)
            var request = DoctorFixtures.exception("me", .timeOff, 1_900_000_000, 1_900_086_400)
            request.requestId = UUID().uuidString.lowercased()
            let first = try await harness.doctors.createAvailabilityException(request, options: own)
            let again = try await harness.doctors.createAvailabilityException(request, options: own)
            #expect(first == again)
            #expect(first.creator?.role == .doctor)
            #expect(first.creator?.displayName == "Dr. Grace Hopper")
            await expectError(.permissionDenied) {
                _ = try await harness.doctors.createAvailabilityException(
                    DoctorFixtures.exception(colleague.id, .timeOff, 1_900_000_000, 1_900_086_400), options: own)
            }
            await expectError(.permissionDenied) {
                _ = try await harness.doctors.listAvailabilityExceptions(Self.list(colleague.id, from: 0), options: own)
            }
            var fromService = Self.list(doctor.id, from: 0)
            fromService.clinicId = clinic
            #expect(try await harness.doctorsFromAppointments.listAvailabilityExceptions(fromService).exceptions.map(\.id) == [first.id])
            await expectError(.permissionDenied) {
                _ = try await harness.doctorsFromAppointments.createAvailabilityException(
                    DoctorFixtures.exception(doctor.id, .timeOff, 1_800_000_000, 1_800_086_400))
            }
            var delete = Clinic_Doctors_V1_DeleteAvailabilityExceptionRequest()
            delete.doctorId = colleague.id
            delete.exceptionId = first.id
            await expectError(.notFound) { _ = try await harness.doctors.deleteAvailabilityException(delete, options: try harness.admin(clinic)) }
            await expectError(.notFound) {
                _ = try await harness.doctors.deleteAvailabilityException(delete, options: try harness.admin(try await harness.makeClinic()))
            }
        }
    }

    @Test(
        "invalid exceptions are invalid_argument naming the field",
        arguments: [
            ("exception", { @Sendable (r: inout Clinic_Doctors_V1_CreateAvailabilityExceptionRequest) in r.exception = nil }),
            ("exception.kind", { r in r.exception!.kind = .unspecified }),
            ("exception.kind", { r in r.exception!.kind = .UNRECOGNIZED(7) }),
            ("exception.interval", { r in r.exception!.interval = nil }),
            ("exception.interval.start_time", { r in r.exception!.interval!.startTime = nil }),
            ("exception.interval.end_time", { r in r.exception!.interval!.endTime = nil }),
            ("exception.interval.end_time", { r in r.exception!.interval = DoctorFixtures.interval(1_900_000_000, 1_900_000_000) }),
            ("exception.interval.end_time", { r in r.exception!.interval = DoctorFixtures.interval(1_900_000_000, 1_800_000_000) }),
            ("exception.interval.start_time", { r in r.exception!.interval!.startTime!.nanos = 500 }),
            ("exception.interval", { r in r.exception!.interval = DoctorFixtures.interval(1_900_000_000, 1_900_000_000 + 367 * 86_400) }),
            ("exception.slot_duration", { r in r.exception!.kind = .extraHours }),
            ("exception.slot_duration", { r in
                r.exception!.kind = .extraHours
                r.exception!.slotDuration = .init()
                r.exception!.slotDuration!.seconds = 90
            }),
            ("exception.slot_duration", { r in
                r.exception!.kind = .extraHours
                r.exception!.interval = DoctorFixtures.interval(1_900_000_000, 1_900_000_600)
                r.exception!.slotDuration = .init()
                r.exception!.slotDuration!.seconds = 1800
            }),
            ("exception.reason", { r in r.exception!.reason = String(repeating: "r", count: 201) }),
            ("doctor_id", { r in r.doctorId = "" }),
            ("doctor_id", { r in r.doctorId = "doc/../../x" }),
        ] as [(String, @Sendable (inout Clinic_Doctors_V1_CreateAvailabilityExceptionRequest) -> Void)]
    )
    func validation(field: String, change: @Sendable (inout Clinic_Doctors_V1_CreateAvailabilityExceptionRequest) -> Void) async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            var request = DoctorFixtures.exception(doctor.id, .timeOff, 1_900_000_000, 1_900_086_400)
            change(&request)
            await expectError(.invalidArgument, field: field) {
                _ = try await harness.doctors.createAvailabilityException(request, options: try harness.admin(clinic))
            }
            let stored = try await harness.doctors.listAvailabilityExceptions(Self.list(doctor.id, from: 0), options: try harness.admin(clinic))
            #expect(stored.exceptions.isEmpty)
        }
    }

    @Test("list filters are checked")
    func listValidation() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            await expectError(.invalidArgument, field: "overlaps.end_time") {
                _ = try await harness.doctors.listAvailabilityExceptions(Self.list(doctor.id, from: 100, to: 50), options: try harness.admin(clinic))
            }
            await expectError(.invalidArgument, field: "kind") {
                _ = try await harness.doctors.listAvailabilityExceptions(Self.list(doctor.id, kind: .UNRECOGNIZED(5)), options: try harness.admin(clinic))
            }
        }
    }
}

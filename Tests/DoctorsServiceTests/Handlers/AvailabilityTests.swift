import ClinicAPI
@testable import DoctorsService
import Foundation
import Platform
import RPCCore
import Testing
import WellKnownTypes

@Suite("GetWeeklyAvailability, SetWeeklyAvailability")
struct AvailabilityTests {
    static func get(_ id: String, clinicID: String = "") -> Clinic_Doctors_V1_GetWeeklyAvailabilityRequest {
        var request = Clinic_Doctors_V1_GetWeeklyAvailabilityRequest()
        request.doctorId = id
        request.clinicId = clinicID
        return request
    }

    @Test("set replaces the week, get returns it in the clinic's time zone, the etag moves")
    func roundTrip() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic(timeZone: "America/New_York")
            let doctor = try await harness.addDoctor(to: clinic)
            let admin = try harness.admin(clinic)
            let empty = try await harness.doctors.getWeeklyAvailability(Self.get(doctor.id), options: admin)
            #expect(empty.windows.isEmpty)
            #expect(empty.etag == "v0")
            #expect(empty.timeZone == "America/New_York")
            let windows = [
                DoctorFixtures.window(.friday, (14, 0), (18, 0), slot: 20),
                DoctorFixtures.window(.monday, (14, 0), (17, 30)),
                DoctorFixtures.window(.monday, (8, 30), (12, 0)),
                DoctorFixtures.window(.sunday, (20, 0), (0, 0), slot: 60),
            ]
            let set = try await harness.doctors.setWeeklyAvailability(
                DoctorFixtures.setAvailability(doctor.id, windows, etag: empty.etag), options: admin)
            #expect(set.windows.map(\.dayOfWeek) == [.monday, .monday, .friday, .sunday])
            #expect(set.windows[0].hours?.start?.hours == 8)
            #expect(set.windows[0].hours?.start?.minutes == 30)
            #expect(set.windows[3].hours?.end?.hours == 0)
            #expect(set.windows[2].slotDuration?.seconds == 1200)
            #expect(set.etag == "v1")
            #expect(set.doctorId == doctor.id)
            #expect(try await harness.doctors.getWeeklyAvailability(Self.get(doctor.id), options: admin) == set)
            await expectError(.aborted, field: "etag") {
                _ = try await harness.doctors.setWeeklyAvailability(DoctorFixtures.setAvailability(doctor.id, [], etag: empty.etag), options: admin)
            }
            let cleared = try await harness.doctors.setWeeklyAvailability(DoctorFixtures.setAvailability(doctor.id, []), options: admin)
            #expect(cleared.windows.isEmpty)
            #expect(cleared.etag == "v2")
        }
    }

    @Test("a doctor sets and reads their own week, not a colleague's; services read any; patients none")
    func authorization() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let colleague = try await harness.addDoctor(to: clinic, family: "Colleague")
            let own = try harness.doctorCaller(doctor, clinicID: clinic)
            let week = [DoctorFixtures.window(.tuesday, (9, 0), (12, 0))]
            let set = try await harness.doctors.setWeeklyAvailability(DoctorFixtures.setAvailability("me", week), options: own)
            #expect(set.doctorId == doctor.id)
            #expect(try await harness.doctors.getWeeklyAvailability(Self.get("me"), options: own).windows.count == 1)
            await expectError(.permissionDenied) {
                _ = try await harness.doctors.setWeeklyAvailability(DoctorFixtures.setAvailability(colleague.id, week), options: own)
            }
            await expectError(.permissionDenied) { _ = try await harness.doctors.getWeeklyAvailability(Self.get(colleague.id), options: own) }
            let fromService = try await harness.doctorsFromAppointments.getWeeklyAvailability(Self.get(doctor.id, clinicID: clinic))
            #expect(fromService == set)
            await expectError(.invalidArgument, field: "clinic_id") { _ = try await harness.doctorsFromAppointments.getWeeklyAvailability(Self.get(doctor.id)) }
            await expectError(.permissionDenied) {
                _ = try await harness.doctors.getWeeklyAvailability(Self.get(doctor.id, clinicID: clinic), options: try harness.caller([.patient]))
            }
            await expectError(.unauthenticated) { _ = try await harness.doctors.getWeeklyAvailability(Self.get(doctor.id, clinicID: clinic)) }
            await expectError(.permissionDenied) {
                _ = try await harness.doctorsFromAppointments.setWeeklyAvailability(DoctorFixtures.setAvailability(doctor.id, week))
            }
            #expect(try await harness.doctors.getWeeklyAvailability(Self.get(colleague.id), options: try harness.admin(clinic)).windows.isEmpty)
        }
    }

    @Test(
        "invalid windows are invalid_argument naming the field, and the week is unchanged",
        arguments: [
            ("availability", { @Sendable (r: inout Clinic_Doctors_V1_SetWeeklyAvailabilityRequest) in r.availability = nil }),
            ("availability.windows[1].hours", { r in
                r.availability!.windows = [DoctorFixtures.window(.monday, (9, 0), (12, 0)), DoctorFixtures.window(.monday, (11, 30), (13, 0))]
            }),
            ("availability.windows[0].hours.end", { r in r.availability!.windows = [DoctorFixtures.window(.monday, (12, 0), (9, 0))] }),
            ("availability.windows[0].hours.end", { r in r.availability!.windows = [DoctorFixtures.window(.monday, (9, 0), (9, 0))] }),
            ("availability.windows[0].day_of_week", { r in r.availability!.windows = [DoctorFixtures.window(.unspecified, (9, 0), (12, 0))] }),
            ("availability.windows[0].day_of_week", { r in r.availability!.windows = [DoctorFixtures.window(.UNRECOGNIZED(9), (9, 0), (12, 0))] }),
            ("availability.windows[0].slot_duration", { r in r.availability!.windows = [DoctorFixtures.window(.monday, (9, 0), (12, 0), slot: 4)] }),
            ("availability.windows[0].slot_duration", { r in r.availability!.windows = [DoctorFixtures.window(.monday, (0, 0), (0, 0), slot: 481)] }),
            ("availability.windows[0].slot_duration", { r in
                var window = DoctorFixtures.window(.monday, (9, 0), (12, 0))
                window.slotDuration!.seconds = 1830
                r.availability!.windows = [window]
            }),
            ("availability.windows[0].slot_duration", { r in
                var window = DoctorFixtures.window(.monday, (9, 0), (12, 0))
                window.slotDuration = nil
                r.availability!.windows = [window]
            }),
            ("availability.windows[0].slot_duration", { r in r.availability!.windows = [DoctorFixtures.window(.monday, (9, 0), (9, 20))] }),
            ("availability.windows[0].hours.start.hours", { r in r.availability!.windows = [DoctorFixtures.window(.monday, (24, 0), (12, 0))] }),
            ("availability.windows", { r in r.availability!.windows = Array(repeating: DoctorFixtures.window(.monday, (9, 0), (9, 30)), count: 101) }),
            ("etag", { r in r.etag = String(repeating: "v", count: 129) }),
        ] as [(String, @Sendable (inout Clinic_Doctors_V1_SetWeeklyAvailabilityRequest) -> Void)]
    )
    func validation(field: String, change: @Sendable (inout Clinic_Doctors_V1_SetWeeklyAvailabilityRequest) -> Void) async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let admin = try harness.admin(clinic)
            let before = try await harness.doctors.setWeeklyAvailability(
                DoctorFixtures.setAvailability(doctor.id, [DoctorFixtures.window(.wednesday, (9, 0), (10, 0))]), options: admin)
            var request = DoctorFixtures.setAvailability(doctor.id, [])
            change(&request)
            await expectError(.invalidArgument, field: field) { _ = try await harness.doctors.setWeeklyAvailability(request, options: admin) }
            #expect(try await harness.doctors.getWeeklyAvailability(AvailabilityTests.get(doctor.id), options: admin) == before)
        }
    }

    @Test("a removed doctor's week cannot change")
    func removedDoctor() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            var remove = Clinic_Doctors_V1_RemoveDoctorRequest()
            remove.doctorId = doctor.id
            _ = try await harness.doctors.removeDoctor(remove, options: try harness.admin(clinic))
            await expectError(.failedPrecondition) {
                _ = try await harness.doctors.setWeeklyAvailability(
                    DoctorFixtures.setAvailability(doctor.id, [DoctorFixtures.window(.monday, (9, 0), (12, 0))]), options: try harness.admin(clinic))
            }
        }
    }
}

import ClinicAPI
@testable import DoctorsService
import Foundation
import Platform
import RPCCore
import Testing
import WellKnownTypes

@Suite("GetDoctorSchedule")
struct ScheduleTests {
    /// Start times of a day's slots as unix seconds.
    static func slotStarts(_ day: Clinic_Doctors_V1_ScheduleDay) -> [Int64] {
        day.workingPeriods.flatMap(\.slots).compactMap { $0.startTime?.seconds }
    }

    /// A Paris clinic with a doctor working Sundays 01:00-04:00 and 09:00-12:00, Mondays 09:00-12:00.
    static func parisDoctor(_ harness: DoctorsHarness) async throws -> (clinic: String, doctor: Clinic_Doctors_V1_Doctor) {
        let clinic = try await harness.makeClinic(timeZone: "Europe/Paris")
        let doctor = try await harness.addDoctor(to: clinic)
        _ = try await harness.doctors.setWeeklyAvailability(
            DoctorFixtures.setAvailability(doctor.id, [
                DoctorFixtures.window(.sunday, (1, 0), (4, 0)), DoctorFixtures.window(.sunday, (9, 0), (12, 0)),
                DoctorFixtures.window(.monday, (9, 0), (12, 0)),
            ]), options: try harness.admin(clinic))
        return (clinic, doctor)
    }

    @Test("Europe/Paris, last Sunday of March: the missing slots are skipped, the morning stays 09:00-12:00")
    func parisSpring() async throws {
        try await withHarness { harness async throws in
            let (clinic, doctor) = try await Self.parisDoctor(harness)
            let response = try await harness.doctors.getDoctorSchedule(
                DoctorFixtures.schedule(doctor.id, from: (2025, 3, 29), through: (2025, 3, 31)), options: try harness.admin(clinic))
            #expect(response.timeZone == "Europe/Paris")
            #expect(response.doctorId == doctor.id)
            #expect(response.days.map { $0.date?.day } == [29, 30, 31])
            #expect(response.days[0].workingPeriods.isEmpty)
            let sunday = response.days[1]
            #expect(Self.slotStarts(sunday) == [
                utc(2025, 3, 30, 0), utc(2025, 3, 30, 0, 30), utc(2025, 3, 30, 1), utc(2025, 3, 30, 1, 30),  // 01:00 01:30 03:00 03:30
                utc(2025, 3, 30, 7), utc(2025, 3, 30, 7, 30), utc(2025, 3, 30, 8), utc(2025, 3, 30, 8, 30), utc(2025, 3, 30, 9), utc(2025, 3, 30, 9, 30),
            ])
            #expect(sunday.workingPeriods.map { $0.interval?.startTime?.seconds } == [utc(2025, 3, 30, 0), utc(2025, 3, 30, 7)])
            #expect(sunday.workingPeriods.map { $0.interval?.endTime?.seconds } == [utc(2025, 3, 30, 2), utc(2025, 3, 30, 10)])
            #expect(sunday.workingPeriods.allSatisfy { $0.source == .weekly && $0.slotDuration?.seconds == 1800 })
            #expect(response.days[2].workingPeriods.first?.interval?.startTime?.seconds == utc(2025, 3, 31, 7))
        }
    }

    @Test("Europe/Paris, last Sunday of October: the repeated slots are offered once")
    func parisFall() async throws {
        try await withHarness { harness async throws in
            let (clinic, doctor) = try await Self.parisDoctor(harness)
            let response = try await harness.doctors.getDoctorSchedule(
                DoctorFixtures.schedule(doctor.id, from: (2025, 10, 26), through: (2025, 10, 26)), options: try harness.admin(clinic))
            let starts = Self.slotStarts(response.days[0])
            #expect(starts.prefix(6) == [
                utc(2025, 10, 25, 23), utc(2025, 10, 25, 23, 30), utc(2025, 10, 26, 0), utc(2025, 10, 26, 0, 30),
                utc(2025, 10, 26, 2), utc(2025, 10, 26, 2, 30),
            ])
            #expect(starts.suffix(6).first == utc(2025, 10, 26, 8))  // 09:00 winter time
            #expect(starts.count == 12)
        }
    }

    @Test("America/New_York on both change days: the morning stays 09:00-12:00 on the clocks")
    func newYork() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic(timeZone: "America/New_York")
            let doctor = try await harness.addDoctor(to: clinic)
            _ = try await harness.doctors.setWeeklyAvailability(
                DoctorFixtures.setAvailability(doctor.id, [DoctorFixtures.window(.sunday, (9, 0), (12, 0), slot: 60)]),
                options: try harness.admin(clinic))
            for (day, utcHour) in [((2025, 3, 2), 14), ((2025, 3, 9), 13), ((2025, 11, 2), 14)] as [((Int32, Int32, Int32), Int)] {
                let response = try await harness.doctors.getDoctorSchedule(
                    DoctorFixtures.schedule(doctor.id, from: day, through: day), options: try harness.admin(clinic))
                let (y, m, d) = (Int(day.0), Int(day.1), Int(day.2))
                #expect(Self.slotStarts(response.days[0]) == [utc(y, m, d, utcHour), utc(y, m, d, utcHour + 1), utc(y, m, d, utcHour + 2)])
            }
        }
    }

    @Test("a day of time off, extra hours and a clinic closure, through the RPCs")
    func exceptionsAndClosures() async throws {
        try await withHarness { harness async throws in
            let (clinic, doctor) = try await Self.parisDoctor(harness)
            let admin = try harness.admin(clinic)
            // Monday 2025-03-24 off all day (midnight to midnight in Paris); extra hours Tuesday 14:00-16:00.
            _ = try await harness.doctors.createAvailabilityException(
                DoctorFixtures.exception(doctor.id, .timeOff, utc(2025, 3, 23, 23), utc(2025, 3, 24, 23)), options: admin)
            let extra = try await harness.doctors.createAvailabilityException(
                DoctorFixtures.exception(doctor.id, .extraHours, utc(2025, 3, 25, 13), utc(2025, 3, 25, 15), slotMinutes: 40), options: admin)
            var closure = Clinic_Clinics_V1_ClinicClosure()
            var dates = Clinic_Common_V1_DateRange()
            dates.startDate = Clinic_Common_V1_Date(date(2025, 3, 30))
            dates.endDate = Clinic_Common_V1_Date(date(2025, 3, 31))
            closure.dates = dates
            var update = Clinic_Clinics_V1_UpdateClinicRequest()
            update.clinicId = clinic
            update.closures = Clinic_Clinics_V1_ClinicClosureList()
            update.closures!.entries = [closure]
            _ = try await harness.clinics.updateClinic(update, options: admin)

            let response = try await harness.doctors.getDoctorSchedule(
                DoctorFixtures.schedule(doctor.id, from: (2025, 3, 24), through: (2025, 3, 31)), options: admin)
            #expect(response.days.count == 8)
            let monday = response.days[0]
            #expect(monday.workingPeriods.isEmpty)
            #expect(monday.timeOff.map { $0.startTime?.seconds } == [utc(2025, 3, 23, 23)])
            #expect(!monday.clinicClosed)
            let tuesday = response.days[1]
            #expect(tuesday.workingPeriods.count == 1)
            #expect(tuesday.workingPeriods[0].source == .extraHours)
            #expect(tuesday.workingPeriods[0].exceptionId == extra.id)
            #expect(tuesday.workingPeriods[0].slots.count == 3)
            #expect(response.days[6].clinicClosed)
            #expect(response.days[6].workingPeriods.isEmpty)
            #expect(response.days[7].clinicClosed)
        }
    }

    @Test("the doctor sees their own schedule; services name the clinic; a colleague or patient cannot")
    func callers() async throws {
        try await withHarness { harness async throws in
            let (clinic, doctor) = try await Self.parisDoctor(harness)
            let colleague = try await harness.addDoctor(to: clinic, family: "Colleague")
            let request = DoctorFixtures.schedule("me", from: (2025, 3, 24), through: (2025, 3, 30))
            let own = try await harness.doctors.getDoctorSchedule(request, options: try harness.doctorCaller(doctor, clinicID: clinic))
            #expect(own.doctorId == doctor.id)
            #expect(own.days.count == 7)
            let fromService = try await harness.doctorsFromAppointments.getDoctorSchedule(
                DoctorFixtures.schedule(doctor.id, from: (2025, 3, 24), through: (2025, 3, 30), clinicID: clinic))
            #expect(fromService == own)
            await expectError(.permissionDenied) {
                _ = try await harness.doctors.getDoctorSchedule(
                    DoctorFixtures.schedule(doctor.id, from: (2025, 3, 24), through: (2025, 3, 30)),
                    options: try harness.doctorCaller(colleague, clinicID: clinic))
            }
            await expectError(.permissionDenied) {
                _ = try await harness.doctors.getDoctorSchedule(
                    DoctorFixtures.schedule(doctor.id, from: (2025, 3, 24), through: (2025, 3, 30), clinicID: clinic),
                    options: try harness.caller([.patient]))
            }
            await expectError(.invalidArgument, field: "doctor_id") {
                _ = try await harness.doctorsFromAppointments.getDoctorSchedule(
                    DoctorFixtures.schedule("me", from: (2025, 3, 24), through: (2025, 3, 30), clinicID: clinic))
            }
        }
    }

    @Test(
        "bad date ranges are invalid_argument naming the field",
        arguments: [
            ("date_range", { @Sendable (r: inout Clinic_Doctors_V1_GetDoctorScheduleRequest) in r.dateRange = nil }),
            ("date_range.start_date", { r in r.dateRange!.startDate = Clinic_Common_V1_Date(date(2025, 2, 28)); r.dateRange!.startDate!.day = 30 }),
            ("date_range.end_date", { r in r.dateRange!.endDate = Clinic_Common_V1_Date(date(2025, 3, 1)) }),
            ("date_range", { r in r.dateRange!.endDate = Clinic_Common_V1_Date(date(2025, 5, 26)) }),
            ("date_range.start_date.month", { r in r.dateRange!.startDate!.month = 13 }),
        ] as [(String, @Sendable (inout Clinic_Doctors_V1_GetDoctorScheduleRequest) -> Void)]
    )
    func badRanges(field: String, change: @Sendable (inout Clinic_Doctors_V1_GetDoctorScheduleRequest) -> Void) async throws {
        try await withHarness { harness async throws in
            let (clinic, doctor) = try await Self.parisDoctor(harness)
            var request = DoctorFixtures.schedule(doctor.id, from: (2025, 3, 24), through: (2025, 3, 30))
            change(&request)
            await expectError(.invalidArgument, field: field) {
                _ = try await harness.doctors.getDoctorSchedule(request, options: try harness.admin(clinic))
            }
        }
    }

    @Test("62 days are allowed; a removed doctor has empty days; a deleted clinic is not_found")
    func limitsAndStates() async throws {
        try await withHarness { harness async throws in
            let (clinic, doctor) = try await Self.parisDoctor(harness)
            let admin = try harness.admin(clinic)
            let long = try await harness.doctors.getDoctorSchedule(
                DoctorFixtures.schedule(doctor.id, from: (2025, 3, 1), through: (2025, 5, 1)), options: admin)
            #expect(long.days.count == 62)
            var remove = Clinic_Doctors_V1_RemoveDoctorRequest()
            remove.doctorId = doctor.id
            _ = try await harness.doctors.removeDoctor(remove, options: admin)
            let removed = try await harness.doctors.getDoctorSchedule(
                DoctorFixtures.schedule(doctor.id, from: (2025, 3, 24), through: (2025, 3, 30)), options: admin)
            #expect(removed.days.count == 7)
            #expect(removed.days.allSatisfy { $0.workingPeriods.isEmpty })
            var delete = Clinic_Clinics_V1_DeleteClinicRequest()
            delete.clinicId = clinic
            _ = try await harness.clinics.deleteClinic(delete, options: try harness.caller([.superAdmin]))
            await expectError(.notFound) {
                _ = try await harness.doctorsFromAppointments.getDoctorSchedule(
                    DoctorFixtures.schedule(doctor.id, from: (2025, 3, 24), through: (2025, 3, 30), clinicID: clinic))
            }
        }
    }
}

import ClinicAPI
import Foundation
import Platform
import RPCCore
import WellKnownTypes

/// What the appointments service reads from the clinics and doctors services, as values for the
/// pure slot logic: the clinic's calendar and policy, who can be booked, and the slots a doctor
/// offers. Every call goes through the generated typed clients as the appointments service
/// itself (its mTLS identity).
///
/// The doctors service's GetDoctorSchedule is the single source of truth for a doctor's slots
/// (weekly windows, extra hours, time off, closures and the daylight saving rules): free slots
/// are its slots minus bookings, and a booking must start on one of them. Clinics are kept for
/// `clinicCacheLifetime` (as the doctors service does), so a search or a booking asks for its
/// clinic once, and a search asks for each doctor's schedule once for the whole range.
struct ScheduleDirectory: Sendable {
    let clinics: Clinic_Clinics_V1_ClinicService.Client
    let doctors: Clinic_Doctors_V1_DoctorService.Client
    private let cachedClinics: ExpiringCache<String, ClinicCalendar>

    init(clinics: Clinic_Clinics_V1_ClinicService.Client, doctors: Clinic_Doctors_V1_DoctorService.Client, clinicCacheLifetime: Duration) {
        self.clinics = clinics
        self.doctors = doctors
        cachedClinics = ExpiringCache(lifetime: clinicCacheLifetime)
    }

    /// The clinic's calendar: `not_found` when it does not exist or is deleted.
    func clinic(_ clinicID: String) async throws -> ClinicCalendar {
        guard let clinic = try await lookUp(clinicID) else {
            throw RPCError(code: .notFound, message: "clinic \(clinicID) not found")
        }
        return clinic
    }

    /// Whether the clinic exists (and is not deleted).
    func clinicExists(_ clinicID: String) async throws -> Bool {
        try await lookUp(clinicID) != nil
    }

    /// The clinic, or nil when the clinics service does not know it (deleted clinics included).
    private func lookUp(_ clinicID: String) async throws -> ClinicCalendar? {
        let clinics = self.clinics
        return try await cachedClinics.value(for: clinicID) {
            var request = Clinic_Clinics_V1_GetClinicRequest()
            request.clinicId = clinicID
            let clinic: Clinic_Clinics_V1_Clinic
            do {
                clinic = try await RemoteCall.run("clinic \(clinicID)") { try await clinics.getClinic(request) }
            } catch let error as RPCError where error.code == .notFound {
                return nil
            }
            guard clinic.state != .deleted else { return nil }
            return try Self.calendar(clinic)
        }
    }

    /// A doctor of the clinic: `not_found` (naming `field`) when there is none with that id.
    func doctor(_ doctorID: String, clinicID: String, field: String = "doctor_id") async throws -> (id: String, profile: DoctorProfile) {
        var request = Clinic_Doctors_V1_GetDoctorRequest()
        request.doctorId = doctorID
        request.clinicId = clinicID
        let doctor = try await RemoteCall.run(
            "doctor", notFound: RPCError(code: .notFound, message: "\(field): doctor not found in this clinic")
        ) { try await doctors.getDoctor(request) }
        return (doctor.id.isEmpty ? doctorID : doctor.id, Self.profile(doctor))
    }

    /// The active doctors of the clinic with `specialtyCode` (every page).
    func doctors(specialty specialtyCode: String, clinicID: String) async throws -> [(id: String, profile: DoctorProfile)] {
        var found: [(id: String, profile: DoctorProfile)] = []
        var request = Clinic_Doctors_V1_ListDoctorsRequest()
        request.clinicId = clinicID
        request.specialtyCode = specialtyCode
        request.pageSize = 500
        repeat {
            let page = try await RemoteCall.run("doctors of the specialty") { try await doctors.listDoctors(request) }
            found += page.doctors.map { ($0.id, Self.profile($0)) }
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        return found.filter { $0.profile.isActive }
    }

    /// The slots the doctor offers on the clinic's calendar days `days` (bookings aside), in start
    /// order: GetDoctorSchedule's, in one call for the whole range.
    func offeredSlots(doctorID: String, clinicID: String, days: CivilDateRange) async throws -> [TimeSpan] {
        var request = Clinic_Doctors_V1_GetDoctorScheduleRequest()
        request.doctorId = doctorID
        request.clinicId = clinicID
        var range = Clinic_Common_V1_DateRange()
        range.startDate = days.first.proto
        range.endDate = days.last.proto
        request.dateRange = range
        let schedule = try await RemoteCall.run(
            "the doctor's schedule", notFound: RPCError(code: .notFound, message: "doctor_id: doctor not found in this clinic")
        ) { try await doctors.getDoctorSchedule(request) }
        var slots: [TimeSpan] = []
        for day in schedule.days {
            for period in day.workingPeriods {
                for slot in period.slots {
                    guard let start = slot.startTime?.validDate, let end = slot.endTime?.validDate, start < end else { continue }
                    slots.append(TimeSpan(start: start, end: end))
                }
            }
        }
        return slots.sorted()
    }

    private static func calendar(_ clinic: Clinic_Clinics_V1_Clinic) throws -> ClinicCalendar {
        guard let calendar = ZonedCalendar(identifier: clinic.timeZone) else {
            throw RPCError(code: .failedPrecondition, message: "the clinic has no valid time zone")
        }
        var policy = BookingPolicy()
        if let proto = clinic.bookingPolicy {
            policy.onlineBookingEnabled = proto.onlineBookingEnabled
            policy.requiresConfirmation = proto.requiresConfirmation
            policy.minLeadSeconds = proto.minLeadTime?.timeInterval ?? 0
            if let maxAdvance = proto.maxAdvance?.timeInterval, maxAdvance > 0 {
                policy.maxAdvanceSeconds = maxAdvance
            }
            policy.cancellationNoticeSeconds = proto.cancellationNotice?.timeInterval ?? 0
        }
        return ClinicCalendar(displayName: clinic.displayName, calendar: calendar, policy: policy)
    }

    private static func profile(_ doctor: Clinic_Doctors_V1_Doctor) -> DoctorProfile {
        DoctorProfile(
            displayName: doctor.name?.shown ?? "", specialtyCodes: doctor.specialtyCodes, accountID: doctor.accountId,
            onlineBookingEnabled: doctor.onlineBookingEnabled, isActive: doctor.state != .removed)
    }
}

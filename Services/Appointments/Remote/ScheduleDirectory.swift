import ClinicAPI
import Foundation
import RPCCore

/// What the appointments service reads from the clinics and doctors services, as values for the
/// pure slot logic: the clinic's calendar and policy, and doctors' availability. Every call goes
/// through the generated typed clients as the appointments service itself (its mTLS identity).
struct ScheduleDirectory: Sendable {
    let clinics: Clinic_Clinics_V1_ClinicService.Client
    let doctors: Clinic_Doctors_V1_DoctorService.Client

    /// The clinic's calendar: `not_found` when it does not exist or is deleted.
    func clinic(_ clinicID: String) async throws -> ClinicCalendar {
        var request = Clinic_Clinics_V1_GetClinicRequest()
        request.clinicId = clinicID
        let clinic = try await RemoteCall.run("clinic \(clinicID)") { try await clinics.getClinic(request) }
        guard let calendar = ZonedCalendar(identifier: clinic.timeZone) else {
            throw RPCError(code: .failedPrecondition, message: "the clinic has no valid time zone")
        }
        var policy = BookingPolicy()
        if let proto = clinic.bookingPolicy {
            policy.onlineBookingEnabled = proto.onlineBookingEnabled
            policy.requiresConfirmation = proto.requiresConfirmation
            policy.minLeadSeconds = proto.minLeadTime?.timeInterval ?? 0
            if let maxAdvance = proto.maxAdvance, maxAdvance.timeInterval > 0 {
                policy.maxAdvanceSeconds = maxAdvance.timeInterval
            }
            policy.cancellationNoticeSeconds = proto.cancellationNotice?.timeInterval ?? 0
        }
        let closures = clinic.closures.compactMap { closure -> CivilDateRange? in
            guard let dates = closure.dates, let first = Self.civil(dates.startDate), let last = Self.civil(dates.endDate)
            else { return nil }
            return CivilDateRange(first: first, last: last)
        }
        return ClinicCalendar(
            displayName: clinic.displayName, calendar: calendar, closures: closures, policy: policy,
            isActive: clinic.state != .deleted)
    }

    /// Whether the clinic exists (and is not deleted).
    func clinicExists(_ clinicID: String) async throws -> Bool {
        var request = Clinic_Clinics_V1_GetClinicRequest()
        request.clinicId = clinicID
        do {
            let clinic = try await clinics.getClinic(request)
            return clinic.state != .deleted
        } catch let error as RPCError where error.code == .notFound {
            return false
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

    /// The weekly windows and the exceptions overlapping `span` of a doctor.
    func availability(
        doctorID: String, profile: DoctorProfile, clinicID: String, span: TimeSpan
    ) async throws -> DoctorAvailability {
        var weeklyRequest = Clinic_Doctors_V1_GetWeeklyAvailabilityRequest()
        weeklyRequest.doctorId = doctorID
        weeklyRequest.clinicId = clinicID
        let weekly = try await RemoteCall.run("the doctor's availability") {
            try await doctors.getWeeklyAvailability(weeklyRequest)
        }
        let windows = weekly.windows.compactMap(Self.window)

        var exceptionsRequest = Clinic_Doctors_V1_ListAvailabilityExceptionsRequest()
        exceptionsRequest.doctorId = doctorID
        exceptionsRequest.clinicId = clinicID
        var overlaps = Clinic_Common_V1_Interval()
        overlaps.startTime = .init(span.start)
        overlaps.endTime = .init(span.end)
        exceptionsRequest.overlaps = overlaps
        exceptionsRequest.pageSize = 500
        var timeOff: [TimeSpan] = []
        var extraHours: [ExtraHours] = []
        repeat {
            let page = try await RemoteCall.run("the doctor's exceptions") {
                try await doctors.listAvailabilityExceptions(exceptionsRequest)
            }
            for exception in page.exceptions {
                guard let interval = exception.interval, let start = interval.startTime, let end = interval.endTime,
                    end.date > start.date
                else { continue }
                let span = TimeSpan(start: start.date, end: end.date)
                switch exception.kind {
                case .timeOff:
                    timeOff.append(span)
                case .extraHours:
                    let slot = Int(exception.slotDuration?.timeInterval ?? 0)
                    if slot > 0 { extraHours.append(ExtraHours(span: span, slotSeconds: slot)) }
                default:
                    continue
                }
            }
            exceptionsRequest.pageToken = page.nextPageToken
        } while !exceptionsRequest.pageToken.isEmpty
        return DoctorAvailability(
            doctorID: doctorID, profile: profile, windows: windows, timeOff: timeOff, extraHours: extraHours)
    }

    private static func profile(_ doctor: Clinic_Doctors_V1_Doctor) -> DoctorProfile {
        DoctorProfile(
            displayName: doctor.name?.formatted ?? "", specialtyCodes: doctor.specialtyCodes, accountID: doctor.accountId,
            onlineBookingEnabled: doctor.onlineBookingEnabled, isActive: doctor.state != .removed)
    }

    private static func window(_ window: Clinic_Doctors_V1_AvailabilityWindow) -> WeeklyWindow? {
        let weekday = Int(window.dayOfWeek.protoNumber)
        guard (1...7).contains(weekday), let hours = window.hours, let start = hours.start, let end = hours.end,
            let slot = window.slotDuration
        else { return nil }
        let startSeconds = seconds(start)
        var endSeconds = seconds(end)
        // An end of 00:00 is midnight at the end of the day.
        if endSeconds == 0 { endSeconds = 86_400 }
        guard endSeconds > startSeconds, slot.timeInterval >= 60 else { return nil }
        return WeeklyWindow(weekday: weekday, start: startSeconds, end: endSeconds, slotSeconds: Int(slot.timeInterval))
    }

    private static func seconds(_ time: Clinic_Common_V1_TimeOfDay) -> Int {
        Int(time.hours) * 3600 + Int(time.minutes) * 60 + Int(time.seconds)
    }

    private static func civil(_ date: Clinic_Common_V1_Date?) -> CivilDate? {
        guard let date else { return nil }
        return CivilDate(year: Int(date.year), month: Int(date.month), day: Int(date.day))
    }
}

import Foundation

/// One working window of a doctor's week, in the clinic's wall-clock time.
struct WeeklyWindow: Hashable, Sendable {
    /// ISO weekday, Monday 1 ... Sunday 7.
    let weekday: Int
    /// Start, seconds after midnight.
    let start: Int
    /// End, seconds after midnight; 86400 is midnight at the end of the day.
    let end: Int
    /// Length of one slot in seconds.
    let slotSeconds: Int
}

/// Extra working hours (an EXTRA_HOURS exception): absolute, with their own slot length.
struct ExtraHours: Hashable, Sendable {
    let span: TimeSpan
    let slotSeconds: Int
}

/// What the doctors service says about when one doctor works: the weekly windows and the
/// exceptions that overlap the period asked about.
struct DoctorAvailability: Sendable {
    /// The doctor.
    let doctorID: String
    /// The doctor's display name, specialties and account, copied into slots and appointments.
    let profile: DoctorProfile
    /// The regular week.
    let windows: [WeeklyWindow]
    /// TIME_OFF exceptions.
    let timeOff: [TimeSpan]
    /// EXTRA_HOURS exceptions.
    let extraHours: [ExtraHours]
}

/// The parts of a doctor that slots and appointments show.
struct DoctorProfile: Hashable, Sendable {
    var displayName: String
    var specialtyCodes: [String]
    var accountID: String
    /// Whether patients may book this doctor online.
    var onlineBookingEnabled: Bool
    /// Whether the doctor still works in the clinic.
    var isActive: Bool
}

/// What the clinics service says about the clinic a search or booking is in.
struct ClinicCalendar: Sendable {
    /// The clinic's name, copied into appointments.
    let displayName: String
    /// The clinic's IANA zone.
    let calendar: ZonedCalendar
    /// Days the clinic is closed.
    let closures: [CivilDateRange]
    /// Online booking rules.
    let policy: BookingPolicy
    /// Whether the clinic is open for business (not deleted).
    let isActive: Bool

    /// The zone's identifier, e.g. "Europe/Paris".
    var timeZoneID: String { calendar.zone.identifier }

    /// Whether the clinic is closed all day on `date`.
    func isClosed(on date: CivilDate) -> Bool {
        closures.contains { $0.contains(date) }
    }
}

/// The clinic's rules for patients booking online (staff are not bound by them).
struct BookingPolicy: Hashable, Sendable {
    /// Whether patients can book online at all.
    var onlineBookingEnabled = false
    /// Whether a patient's booking waits for staff confirmation (PROPOSED).
    var requiresConfirmation = false
    /// Minimum time between booking and the start.
    var minLeadSeconds: TimeInterval = 0
    /// How far ahead patients may book (180 days unless the clinic says otherwise).
    var maxAdvanceSeconds: TimeInterval = 180 * 86_400
    /// Patients may cancel or reschedule until this long before the start.
    var cancellationNoticeSeconds: TimeInterval = 0
}

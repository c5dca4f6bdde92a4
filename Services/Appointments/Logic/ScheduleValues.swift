import Foundation

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

/// What the clinics service says about the (existing, not deleted) clinic a search or booking is
/// in. Its closures are not here: the doctors' schedules already leave closed days empty.
struct ClinicCalendar: Sendable {
    /// The clinic's name, copied into appointments.
    let displayName: String
    /// The clinic's IANA zone.
    let calendar: ZonedCalendar
    /// Online booking rules.
    let policy: BookingPolicy

    /// The zone's identifier, e.g. "Europe/Paris".
    var timeZoneID: String { calendar.zone.identifier }
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

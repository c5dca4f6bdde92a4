import Foundation

/// The calendar days of one IANA time zone as spans of absolute time, and instants back to days:
/// what a search's date range covers and which days' schedules a booking is checked against.
///
/// Slots themselves (wall-clock windows across daylight saving changes) are not computed here:
/// they come from the doctors service's GetDoctorSchedule.
struct ZonedCalendar: Sendable {
    /// The zone.
    let zone: TimeZone

    /// The calendar of `identifier`, or nil when it is not a known IANA zone.
    init?(identifier: String) {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else { return nil }
        self.zone = zone
    }

    /// The calendar of `zone`.
    init(zone: TimeZone) {
        self.zone = zone
    }

    /// The first instant of `date`: midnight, or where a daylight saving jump skips midnight
    /// (America/Santiago), the instant the clocks jump to.
    func startOfDay(_ date: CivilDate) -> Date {
        let wall = Double(date.daysSinceEpoch * 86_400)
        // Every zone's offsets here change at most once within a day either side.
        let before = offset(at: wall - 86_400)
        let after = offset(at: wall + 86_400)
        let valid = [wall - before, wall - after].filter { candidate in offset(at: candidate) == wall - candidate }
        if let first = valid.min() { return Date(timeIntervalSince1970: first) }
        // Midnight does not exist: read with the offset before the jump, it is the jump itself.
        return Date(timeIntervalSince1970: wall - before)
    }

    /// The instants covering the days of `range`: from the start of its first day to the start of
    /// the day after its last.
    func span(of range: CivilDateRange) -> TimeSpan {
        TimeSpan(start: startOfDay(range.first), end: startOfDay(range.last.adding(days: 1)))
    }

    /// The calendar day the zone's clocks show at `instant`.
    func civilDate(of instant: Date) -> CivilDate {
        let local = Int((instant.timeIntervalSince1970 + offset(at: instant.timeIntervalSince1970)).rounded(.down))
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return CivilDate(daysSinceEpoch: days)
    }

    private func offset(at seconds: Double) -> Double {
        Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds)))
    }
}

/// A half-open period of absolute time [start, end).
struct TimeSpan: Hashable, Sendable, Comparable {
    let start: Date
    let end: Date

    /// Its length in seconds.
    var duration: TimeInterval { end.timeIntervalSince(start) }

    /// Whether it shares any instant with `other` (touching ends do not count).
    func overlaps(_ other: TimeSpan) -> Bool {
        start < other.end && other.start < end
    }

    /// Whether `other` lies entirely inside it.
    func contains(_ other: TimeSpan) -> Bool {
        start <= other.start && other.end <= end
    }

    static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }
}

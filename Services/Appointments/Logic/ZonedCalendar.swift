import Foundation

/// Wall-clock times of one IANA time zone turned into instants and back, with the daylight saving
/// rules spelled out rather than left to a calendar API's defaults:
///
/// - a wall-clock time that does not exist (skipped by a spring-forward jump, 02:30 in Paris on the
///   last Sunday of March) is read with the offset in force before the jump, so it lands as far
///   after the jump as it was after its start (02:30 → 03:30 CEST), as RFC 5545 does;
/// - a wall-clock time that happens twice (fall back, 02:30 on the last Sunday of October) is the
///   first occurrence (the summer-time one).
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

    /// The instant at which clocks in the zone show `secondsOfDay` after midnight of `date`
    /// (`secondsOfDay` may be 86400: midnight at the end of the day).
    func instant(_ date: CivilDate, secondsOfDay: Int) -> Date {
        let wall = Double(date.daysSinceEpoch * 86_400 + secondsOfDay)
        // Every zone's offsets here change at most once within a day either side.
        let before = offset(at: wall - 86_400)
        let after = offset(at: wall + 86_400)
        let valid = [wall - before, wall - after].filter { candidate in
            offset(at: candidate) == wall - candidate
        }
        if let first = valid.min() { return Date(timeIntervalSince1970: first) }
        // In a spring-forward gap: the offset before the jump.
        return Date(timeIntervalSince1970: wall - before)
    }

    /// The instant of midnight starting `date`.
    func startOfDay(_ date: CivilDate) -> Date {
        instant(date, secondsOfDay: 0)
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

    /// Seconds after midnight the zone's clocks show at `instant`.
    func secondsOfDay(at instant: Date) -> Int {
        let local = Int((instant.timeIntervalSince1970 + offset(at: instant.timeIntervalSince1970)).rounded(.down))
        let remainder = local % 86_400
        return remainder < 0 ? remainder + 86_400 : remainder
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

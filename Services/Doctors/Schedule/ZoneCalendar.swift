import Foundation

/// Wall-clock time in one IANA time zone, turned into absolute time and back, with daylight
/// saving changes made explicit instead of silently shifted (as `Calendar.date(from:)` does).
struct ZoneCalendar: Sendable {
    /// What a wall-clock time of a given day is in absolute time.
    enum Resolution: Sendable, Equatable {
        /// The usual case: one instant.
        case unique(Int64)
        /// The clocks went back: the time happened twice (first in the earlier offset).
        case ambiguous(first: Int64, second: Int64)
        /// The clocks went forward: the time never happened. `transition` is the instant of the
        /// jump, i.e. the first instant after the missing wall-clock times.
        case skipped(transition: Int64)

        /// The first instant with this wall-clock time, or the jump for a skipped time: where a
        /// range that starts at this time starts.
        var earliest: Int64 {
            switch self {
            case .unique(let instant): instant
            case .ambiguous(let first, _): first
            case .skipped(let transition): transition
            }
        }

        /// The last instant with this wall-clock time, or the jump for a skipped time: where a
        /// range that ends at this time ends.
        var latest: Int64 {
            switch self {
            case .unique(let instant): instant
            case .ambiguous(_, let second): second
            case .skipped(let transition): transition
            }
        }
    }

    let timeZone: TimeZone

    init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// The calendar of IANA zone `identifier`, or nil if Foundation does not know it.
    init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.init(zone)
    }

    /// The UTC offset in seconds in force at `instant`.
    func offset(at instant: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
    }

    /// The wall-clock time `secondOfDay` (0 ..< 86400) of `date` in absolute time.
    func resolve(_ date: LocalDate, _ secondOfDay: Int) -> Resolution {
        let local = Int64(date.dayNumber) * 86_400 + Int64(secondOfDay)
        // Offsets a day either side bracket any transition near this time (zones change offset
        // at most once within two days).
        let before = offset(at: local - 86_400)
        let after = offset(at: local + 86_400)
        let candidates = Set([before, after]).map { local - $0 }.filter { offset(at: $0) == local - $0 }.sorted()
        switch candidates.count {
        case 0:
            return .skipped(transition: firstInstant(after: local - after, differingFrom: before, upTo: local - before))
        case 1:
            return .unique(candidates[0])
        default:
            return .ambiguous(first: candidates[0], second: candidates[candidates.count - 1])
        }
    }

    /// The calendar day and second of the day that `instant` shows on the clinic's clocks.
    func wallClock(at instant: Int64) -> (date: LocalDate, secondOfDay: Int) {
        let local = instant + offset(at: instant)
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return (LocalDate(dayNumber: Int(day)), Int(local - day * 86_400))
    }

    /// Where `date` begins: its first midnight (or the jump, where midnight was skipped).
    func startOfDay(_ date: LocalDate) -> Int64 {
        resolve(date, 0).earliest
    }

    /// The whole of `date` as an absolute span, from its start to the next day's start.
    func span(of date: LocalDate) -> TimeSpan {
        TimeSpan(startOfDay(date), startOfDay(date.adding(days: 1)))
    }

    /// The first instant in `low ... high` whose offset is not `offsetBefore`: the transition,
    /// found by bisection (`low` is before it, `high` after it).
    private func firstInstant(after low: Int64, differingFrom offsetBefore: Int64, upTo high: Int64) -> Int64 {
        var (low, high) = (low, high)
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(at: middle) == offsetBefore { low = middle } else { high = middle }
        }
        return high
    }
}

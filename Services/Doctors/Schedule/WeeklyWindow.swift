/// One window of a doctor's weekly availability: a weekday, a wall-clock range in the clinic's
/// time zone, and the slot length it is cut into.
struct WeeklyWindow: Sendable, Hashable {
    /// ISO weekday, Monday = 1 ... Sunday = 7.
    var weekday: Int
    /// Seconds after midnight, inclusive.
    var start: Int
    /// Seconds after midnight, exclusive; 86400 is the end of the day (written 00:00).
    var end: Int
    /// Slot length in seconds.
    var slot: Int

    /// The window on `date` (which must be on `weekday`): its absolute span, and its slots.
    ///
    /// Both are cut in wall-clock time, so 09:00-12:00 stays 09:00-12:00 on the clocks of a
    /// daylight saving day:
    /// - the span runs from the first instant showing `start` to the last instant showing `end`
    ///   (a skipped boundary is the jump itself), so it is shorter or longer by the jump;
    /// - slots start at `start`, `start + slot`, ... as long as they end by `end` on the clocks;
    /// - a slot that starts at a time that does not exist, or whose wall-clock range contains
    ///   times that do not exist (the clocks jump forward inside it), is skipped;
    /// - a slot that starts at a time that happens twice (the clocks go back) is offered once,
    ///   at the first occurrence, and lasts `slot` seconds of real time from there.
    func occurrence(on date: LocalDate, in zone: ZoneCalendar) -> (span: TimeSpan, slots: [TimeSpan]) {
        let spanStart = zone.resolve(date, start).earliest
        let spanEnd = end >= 86_400 ? zone.resolve(date.adding(days: 1), 0).latest : zone.resolve(date, end).latest
        var slots: [TimeSpan] = []
        var wallStart = start
        while wallStart + slot <= end {
            defer { wallStart += slot }
            let begin: Int64
            switch zone.resolve(date, wallStart) {
            case .skipped: continue
            case .unique(let instant), .ambiguous(let instant, _): begin = instant
            }
            let finish = begin + Int64(slot)
            // A forward jump inside the slot: part of its wall-clock range never happens.
            guard zone.offset(at: finish - 1) <= zone.offset(at: begin) else { continue }
            slots.append(TimeSpan(begin, finish))
        }
        return (TimeSpan(spanStart, max(spanStart, spanEnd)), slots)
    }
}

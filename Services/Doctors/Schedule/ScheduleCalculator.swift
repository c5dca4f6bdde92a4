/// A doctor's effective schedule, computed from its inputs alone (no storage, no clock): weekly
/// windows plus extra hours, minus time off and clinic closures, day by day in the clinic's time
/// zone. This is what GetDoctorSchedule returns and what the appointments service cuts its free
/// slots from (subtracting bookings).
struct ScheduleCalculator: Sendable {
    /// An EXTRA_HOURS exception: absolute working time with its slot length.
    struct ExtraHours: Sendable, Hashable {
        var id: String
        var span: TimeSpan
        var slot: Int
    }

    /// Where a working period comes from.
    enum Source: Sendable, Hashable {
        case weekly
        case extraHours(id: String)
    }

    /// Bookable working time within one day.
    struct Period: Sendable, Hashable {
        var span: TimeSpan
        var slot: Int
        var source: Source
        /// The bookable slots, in order, each inside `span`.
        var slots: [TimeSpan]
    }

    /// One day of the schedule.
    struct Day: Sendable, Hashable {
        var date: LocalDate
        /// In start order, not overlapping, each with at least one slot.
        var periods: [Period]
        /// Time off that removed working time on this day, clipped to the day.
        var timeOff: [TimeSpan]
        /// The clinic is closed all day (then `periods` and `timeOff` are empty).
        var clinicClosed: Bool
    }

    var zone: ZoneCalendar
    /// Windows of the weekly availability (any weekday, non-overlapping within a day).
    var windows: [WeeklyWindow]
    /// TIME_OFF exceptions.
    var timeOff: [TimeSpan]
    /// EXTRA_HOURS exceptions (non-overlapping).
    var extraHours: [ExtraHours]
    /// Days the clinic is closed.
    var isClosed: @Sendable (LocalDate) -> Bool

    /// The schedule of each day from `first` through `last`, in order.
    func days(from first: LocalDate, through last: LocalDate) -> [Day] {
        guard first <= last else { return [] }
        return (0...last.days(since: first)).map { day(first.adding(days: $0)) }
    }

    /// The schedule of `date`.
    func day(_ date: LocalDate) -> Day {
        guard !isClosed(date) else { return Day(date: date, periods: [], timeOff: [], clinicClosed: true) }
        let bounds = zone.span(of: date)
        var planned: [Period] = windows.filter { $0.weekday == date.weekday }.sorted { $0.start < $1.start }.compactMap { window in
            let (span, slots) = window.occurrence(on: date, in: zone)
            return span.isEmpty ? nil : Period(span: span, slot: window.slot, source: .weekly, slots: slots)
        }
        // Extra hours fill in where the weekly windows do not already cover the day.
        let weeklySpans = planned.map(\.span)
        for extra in extraHours {
            guard let piece = extra.span.intersection(bounds) else { continue }
            for free in piece.subtracting(weeklySpans) {
                planned.append(Period(span: free, slot: extra.slot, source: .extraHours(id: extra.id), slots: Self.cut(free, slot: extra.slot)))
            }
        }
        let holes = timeOff.filter { hole in planned.contains { $0.span.overlaps(hole) } }
        var periods: [Period] = []
        for period in planned {
            for piece in period.span.subtracting(holes) {
                let slots = period.slots.filter { slot in piece.contains(slot) && !holes.contains { $0.overlaps(slot) } }
                guard !slots.isEmpty else { continue }
                periods.append(Period(span: piece, slot: period.slot, source: period.source, slots: slots))
            }
        }
        periods.sort { $0.span < $1.span }
        let shownTimeOff = holes.compactMap { $0.intersection(bounds) }.sorted()
        return Day(date: date, periods: periods, timeOff: shownTimeOff, clinicClosed: false)
    }

    /// `span` cut into back-to-back slots of `slot` seconds from its start (absolute time: extra
    /// hours are given as absolute intervals); a shorter remainder is dropped.
    static func cut(_ span: TimeSpan, slot: Int) -> [TimeSpan] {
        guard slot > 0 else { return [] }
        var slots: [TimeSpan] = []
        var start = span.start
        while start + Int64(slot) <= span.end {
            slots.append(TimeSpan(start, start + Int64(slot)))
            start += Int64(slot)
        }
        return slots
    }
}

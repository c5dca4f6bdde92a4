import Foundation

/// Free slots: a doctor's working time (weekly windows on the days asked for, plus extra hours),
/// minus time off and clinic closures, cut into slots, minus what is already booked. Pure: the
/// handlers fetch the inputs and the bookings, this decides.
///
/// Windows are wall-clock times of the clinic's zone turned into instants day by day
/// (`ZonedCalendar`), so 09:00-12:00 is three hours on every day and a window across a daylight
/// saving jump is shortened or lengthened by the jump. Slots are cut from the start of each
/// window or extra-hours period in equal absolute lengths; a remainder shorter than a slot is not
/// bookable.
enum SlotCalculator {
    /// The slots `availability` offers on the days of `range`, before bookings are taken out:
    /// slots of weekly windows of those days and slots of extra hours starting within them, minus
    /// every slot that touches time off or starts on a day the clinic is closed. In start order,
    /// never overlapping (where extra hours overlap a window, the earlier slot wins).
    static func offeredSlots(
        _ availability: DoctorAvailability, clinic: ClinicCalendar, range: CivilDateRange
    ) -> [TimeSpan] {
        let calendar = clinic.calendar
        var candidates: [TimeSpan] = []
        for date in range.days where !clinic.isClosed(on: date) {
            for window in availability.windows where window.weekday == date.isoWeekday {
                let period = TimeSpan(
                    start: calendar.instant(date, secondsOfDay: window.start),
                    end: calendar.instant(date, secondsOfDay: window.end))
                candidates += cut(period, slotSeconds: window.slotSeconds)
            }
        }
        let days = calendar.span(of: range)
        for extra in availability.extraHours where extra.span.overlaps(days) {
            candidates += cut(extra.span, slotSeconds: extra.slotSeconds).filter { slot in
                days.start <= slot.start && slot.start < days.end && !clinic.isClosed(on: calendar.civilDate(of: slot.start))
            }
        }
        let open = candidates.filter { slot in !availability.timeOff.contains { $0.overlaps(slot) } }
        return withoutOverlaps(open.sorted())
    }

    /// `offered` minus every slot that overlaps one of `booked`.
    static func freeSlots(_ offered: [TimeSpan], booked: [TimeSpan]) -> [TimeSpan] {
        guard !booked.isEmpty else { return offered }
        let sortedBooked = booked.sorted()
        return offered.filter { slot in
            !sortedBooked.contains { $0.overlaps(slot) }
        }
    }

    /// The offered slot that starts exactly at `start`, if any (what a booking must name).
    static func slot(startingAt start: Date, in offered: [TimeSpan]) -> TimeSpan? {
        offered.first { $0.start == start }
    }

    /// The days whose offered slots may contain a slot starting at `instant`: the day it falls on
    /// in the clinic's zone and the day before (a window ending at midnight, extra hours crossing it).
    static func daysAround(_ instant: Date, calendar: ZonedCalendar) -> CivilDateRange {
        let day = calendar.civilDate(of: instant)
        // Two consecutive days always form a range.
        return CivilDateRange(first: day.adding(days: -1), last: day)!
    }

    /// `period` cut into consecutive slots of `slotSeconds` from its start.
    static func cut(_ period: TimeSpan, slotSeconds: Int) -> [TimeSpan] {
        guard slotSeconds > 0, period.end > period.start else { return [] }
        var slots: [TimeSpan] = []
        var start = period.start
        while true {
            let end = start.addingTimeInterval(TimeInterval(slotSeconds))
            guard end <= period.end else { break }
            slots.append(TimeSpan(start: start, end: end))
            start = end
        }
        return slots
    }

    /// Sorted `slots` with each slot that overlaps the previous kept one dropped.
    private static func withoutOverlaps(_ slots: [TimeSpan]) -> [TimeSpan] {
        var kept: [TimeSpan] = []
        for slot in slots {
            if let last = kept.last, last.overlaps(slot) { continue }
            kept.append(slot)
        }
        return kept
    }
}

/// When a caller may book: not in the past, and for patients within the clinic's booking policy.
struct BookingWindow: Sendable {
    /// The earliest bookable start.
    let earliest: Date
    /// The latest bookable start (nil: no limit).
    let latest: Date?

    /// The window of a patient (or anonymous searcher) at `now` under `policy`.
    static func patient(now: Date, policy: BookingPolicy) -> BookingWindow {
        BookingWindow(
            earliest: now.addingTimeInterval(policy.minLeadSeconds),
            latest: now.addingTimeInterval(policy.maxAdvanceSeconds))
    }

    /// The window of clinic staff at `now`: anything that has not started yet.
    static func staff(now: Date) -> BookingWindow {
        BookingWindow(earliest: now, latest: nil)
    }

    /// Whether a slot starting at `start` may be booked.
    func allows(_ start: Date) -> Bool {
        guard start >= earliest else { return false }
        if let latest, start > latest { return false }
        return true
    }
}

import Foundation

/// Free slots: the slots a doctor offers (GetDoctorSchedule of the doctors service, the single
/// source of truth for working time, time off, closures and daylight saving) minus what is
/// already booked. Pure: the handlers fetch the offered slots and the bookings, this decides.
enum SlotCalculator {
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

    /// The calendar days whose schedule may hold a slot starting at `instant`: the day it falls on
    /// in the clinic's zone, and the day before (whose last period may reach past midnight).
    static func daysAround(_ instant: Date, calendar: ZonedCalendar) -> CivilDateRange {
        let day = calendar.civilDate(of: instant)
        // Two consecutive days always form a range.
        return CivilDateRange(first: day.adding(days: -1), last: day)!
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

@testable import AppointmentsService
import Foundation
import Testing

@Suite("Calendar days of a zone")
struct ZonedCalendarTests {
    static let paris = ZonedCalendar(identifier: "Europe/Paris")!
    static let newYork = ZonedCalendar(identifier: "America/New_York")!

    static func day(_ year: Int, _ month: Int, _ day: Int) -> CivilDate { CivilDate(year: year, month: month, day: day)! }
    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("civil dates convert to day numbers and back, with ISO weekdays")
    func civilDates() {
        #expect(Self.day(1970, 1, 1).daysSinceEpoch == 0)
        #expect(Self.day(1969, 12, 31).daysSinceEpoch == -1)
        for days in [-800_000, -1, 0, 11_016, 20_177, 2_000_000] {
            #expect(CivilDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CivilDate(daysSinceEpoch: 11_016) == Self.day(2000, 2, 29))
        #expect(Self.day(2025, 3, 24).isoWeekday == 1)  // Monday
        #expect(Self.day(2025, 3, 30).isoWeekday == 7)  // Sunday
        #expect(Self.day(2025, 2, 28).adding(days: 1) == Self.day(2025, 3, 1))
        #expect(CivilDate(year: 2025, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2025, month: 13, day: 1) == nil)
        #expect(CivilDateRange(first: Self.day(2025, 3, 30), last: Self.day(2025, 3, 29)) == nil)
        #expect(CivilDateRange(first: Self.day(2025, 3, 1), last: Self.day(2025, 3, 31))?.dayCount == 31)
    }

    @Test("days start at midnight, or where a jump skips midnight at the jump; change days are 23 and 25 hours")
    func dayStarts() {
        #expect(Self.paris.startOfDay(Self.day(2025, 3, 30)) == Self.utc("2025-03-29T23:00:00Z"))
        #expect(Self.paris.startOfDay(Self.day(2025, 3, 31)) == Self.utc("2025-03-30T22:00:00Z"))
        #expect(Self.newYork.startOfDay(Self.day(2025, 11, 2)) == Self.utc("2025-11-02T04:00:00Z"))
        let fallBack = Self.paris.span(of: CivilDateRange(first: Self.day(2025, 10, 26), last: Self.day(2025, 10, 26))!)
        #expect(fallBack.duration == 25 * 3600)
        // America/Santiago, 2024-09-08: clocks jump from 00:00 to 01:00; the day starts at 01:00 -03.
        let santiago = ZonedCalendar(identifier: "America/Santiago")!
        #expect(santiago.startOfDay(Self.day(2024, 9, 8)) == Self.utc("2024-09-08T04:00:00Z"))
    }

    @Test("instants map back to the zone's calendar day and time of day")
    func backToWallClock() {
        let instant = Self.utc("2025-03-30T22:30:00Z")
        #expect(Self.paris.civilDate(of: instant) == Self.day(2025, 3, 31))
        #expect(Self.newYork.civilDate(of: instant) == Self.day(2025, 3, 30))
        #expect(Self.paris.civilDate(of: Self.utc("1969-12-31T23:30:00Z")) == Self.day(1970, 1, 1))
        let span = Self.paris.span(of: CivilDateRange(first: Self.day(2025, 3, 30), last: Self.day(2025, 3, 30))!)
        #expect(span.duration == 23 * 3600)
    }
}

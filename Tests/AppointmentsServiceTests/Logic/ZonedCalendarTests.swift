@testable import AppointmentsService
import Foundation
import Testing

@Suite("Calendar days and zoned wall-clock times")
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

    @Test("wall-clock times become instants with the offset of the day, in Paris and New York")
    func instants() {
        #expect(Self.paris.instant(Self.day(2025, 3, 29), secondsOfDay: 9 * 3600) == Self.utc("2025-03-29T08:00:00Z"))
        #expect(Self.paris.instant(Self.day(2025, 3, 30), secondsOfDay: 9 * 3600) == Self.utc("2025-03-30T07:00:00Z"))
        #expect(Self.paris.instant(Self.day(2025, 10, 26), secondsOfDay: 9 * 3600) == Self.utc("2025-10-26T08:00:00Z"))
        #expect(Self.newYork.instant(Self.day(2025, 3, 8), secondsOfDay: 9 * 3600) == Self.utc("2025-03-08T14:00:00Z"))
        #expect(Self.newYork.instant(Self.day(2025, 3, 9), secondsOfDay: 9 * 3600) == Self.utc("2025-03-09T13:00:00Z"))
        #expect(Self.paris.instant(Self.day(2025, 3, 30), secondsOfDay: 86_400) == Self.utc("2025-03-30T22:00:00Z"))
    }

    @Test("a skipped time moves forward by the jump; a repeated time is its first occurrence")
    func gapsAndOverlaps() {
        // Paris, 2025-03-30: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist.
        #expect(Self.paris.instant(Self.day(2025, 3, 30), secondsOfDay: 2 * 3600 + 1800) == Self.utc("2025-03-30T01:30:00Z"))
        // Paris, 2025-10-26: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
        #expect(Self.paris.instant(Self.day(2025, 10, 26), secondsOfDay: 2 * 3600 + 1800) == Self.utc("2025-10-26T00:30:00Z"))
        // New York, 2025-03-09 02:30 does not exist; 2025-11-02 01:30 happens twice.
        #expect(Self.newYork.instant(Self.day(2025, 3, 9), secondsOfDay: 2 * 3600 + 1800) == Self.utc("2025-03-09T07:30:00Z"))
        #expect(Self.newYork.instant(Self.day(2025, 11, 2), secondsOfDay: 3600 + 1800) == Self.utc("2025-11-02T05:30:00Z"))
    }

    @Test("instants map back to the zone's calendar day and time of day")
    func backToWallClock() {
        let instant = Self.utc("2025-03-30T22:30:00Z")
        #expect(Self.paris.civilDate(of: instant) == Self.day(2025, 3, 31))
        #expect(Self.paris.secondsOfDay(at: instant) == 1800)
        #expect(Self.newYork.civilDate(of: instant) == Self.day(2025, 3, 30))
        #expect(Self.paris.civilDate(of: Self.utc("1969-12-31T23:30:00Z")) == Self.day(1970, 1, 1))
        let span = Self.paris.span(of: CivilDateRange(first: Self.day(2025, 3, 30), last: Self.day(2025, 3, 30))!)
        #expect(span.duration == 23 * 3600)
    }
}

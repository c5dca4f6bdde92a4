@testable import DoctorsService
import Testing

/// Unix seconds of a UTC wall-clock time.
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Int64 {
    Int64(LocalDate(year: year, month: month, day: day)!.dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60)
}

func date(_ year: Int, _ month: Int, _ day: Int) -> LocalDate {
    LocalDate(year: year, month: month, day: day)!
}

func zone(_ identifier: String) -> ZoneCalendar {
    ZoneCalendar(identifier: identifier)!
}

@Suite("LocalDate and ZoneCalendar")
struct ZoneCalendarTests {
    @Test("dates: validity, day numbers both ways, ISO weekdays")
    func localDates() {
        #expect(LocalDate(year: 2025, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2024, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 1900, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2000, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2025, month: 13, day: 1) == nil)
        #expect(date(1970, 1, 1).dayNumber == 0)
        #expect(date(1970, 1, 1).weekday == 4)
        #expect(date(2025, 3, 30).weekday == 7)
        #expect(date(2025, 3, 31).weekday == 1)
        #expect(date(1969, 12, 31).dayNumber == -1)
        for number in stride(from: -800_000, through: 2_900_000, by: 997) {
            #expect(LocalDate(dayNumber: number).dayNumber == number)
        }
        #expect(date(2024, 12, 31).adding(days: 1) == date(2025, 1, 1))
        #expect(date(2025, 3, 1).adding(days: -1) == date(2025, 2, 28))
        #expect(date(2025, 8, 4).description == "2025-08-04")
    }

    @Test("Europe/Paris, last Sunday of March: 02:00-03:00 does not exist")
    func parisSpringForward() {
        let paris = zone("Europe/Paris")
        let day = date(2025, 3, 30)
        #expect(paris.resolve(day, 1 * 3600 + 59 * 60) == .unique(utc(2025, 3, 30, 0, 59)))
        #expect(paris.resolve(day, 2 * 3600) == .skipped(transition: utc(2025, 3, 30, 1)))
        #expect(paris.resolve(day, 2 * 3600 + 30 * 60) == .skipped(transition: utc(2025, 3, 30, 1)))
        #expect(paris.resolve(day, 3 * 3600) == .unique(utc(2025, 3, 30, 1)))
        #expect(paris.resolve(day, 9 * 3600) == .unique(utc(2025, 3, 30, 7)))
        #expect(paris.span(of: day).duration == 23 * 3600)
    }

    @Test("Europe/Paris, last Sunday of October: 02:00-03:00 happens twice")
    func parisFallBack() {
        let paris = zone("Europe/Paris")
        let day = date(2025, 10, 26)
        #expect(paris.resolve(day, 1 * 3600 + 59 * 60) == .unique(utc(2025, 10, 25, 23, 59)))
        #expect(paris.resolve(day, 2 * 3600) == .ambiguous(first: utc(2025, 10, 26, 0), second: utc(2025, 10, 26, 1)))
        #expect(paris.resolve(day, 2 * 3600 + 30 * 60) == .ambiguous(first: utc(2025, 10, 26, 0, 30), second: utc(2025, 10, 26, 1, 30)))
        #expect(paris.resolve(day, 3 * 3600) == .unique(utc(2025, 10, 26, 2)))
        #expect(paris.resolve(day, 9 * 3600) == .unique(utc(2025, 10, 26, 8)))
        #expect(paris.span(of: day).duration == 25 * 3600)
    }

    @Test("America/New_York: 2025-03-09 skips 02:00-03:00, 2025-11-02 repeats 01:00-02:00")
    func newYork() {
        let newYork = zone("America/New_York")
        #expect(newYork.resolve(date(2025, 3, 9), 2 * 3600 + 30 * 60) == .skipped(transition: utc(2025, 3, 9, 7)))
        #expect(newYork.resolve(date(2025, 3, 9), 3 * 3600) == .unique(utc(2025, 3, 9, 7)))
        #expect(newYork.resolve(date(2025, 11, 2), 1 * 3600 + 30 * 60) == .ambiguous(first: utc(2025, 11, 2, 5, 30), second: utc(2025, 11, 2, 6, 30)))
        #expect(newYork.resolve(date(2025, 11, 2), 2 * 3600) == .unique(utc(2025, 11, 2, 7)))
        #expect(newYork.resolve(date(2025, 7, 14), 9 * 3600) == .unique(utc(2025, 7, 14, 13)))
    }

    @Test("a skipped midnight (America/Santiago, 2024-09-08): the day starts at the jump")
    func skippedMidnight() {
        let santiago = zone("America/Santiago")
        #expect(santiago.resolve(date(2024, 9, 8), 0) == .skipped(transition: utc(2024, 9, 8, 4)))
        #expect(santiago.startOfDay(date(2024, 9, 8)) == utc(2024, 9, 8, 4))
        #expect(santiago.span(of: date(2024, 9, 8)).duration == 23 * 3600)
    }

    @Test("a half-hour daylight saving shift (Australia/Lord_Howe, 2025-04-06)")
    func halfHourShift() {
        let lordHowe = zone("Australia/Lord_Howe")
        #expect(lordHowe.resolve(date(2025, 4, 6), 1 * 3600 + 45 * 60) == .ambiguous(first: utc(2025, 4, 5, 14, 45), second: utc(2025, 4, 5, 15, 15)))
        #expect(lordHowe.span(of: date(2025, 4, 6)).duration == 24 * 3600 + 1800)
    }

    @Test("wall clock of an instant is the inverse of resolving it", arguments: ["Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "UTC"])
    func roundTrip(identifier: String) {
        let calendar = zone(identifier)
        var instant = utc(2025, 1, 1, 0)
        while instant < utc(2026, 1, 1, 0) {
            let (day, second) = calendar.wallClock(at: instant)
            switch calendar.resolve(day, second) {
            case .unique(let back): #expect(back == instant)
            case .ambiguous(let first, let second): #expect(first == instant || second == instant)
            case .skipped: Issue.record("\(identifier): an instant's own wall clock cannot be skipped")
            }
            instant += 3 * 3600 + 17 * 60
        }
    }
}

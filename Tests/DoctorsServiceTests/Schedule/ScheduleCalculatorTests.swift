@testable import DoctorsService
import Testing

@Suite("ScheduleCalculator")
struct ScheduleCalculatorTests {
    static let monday = WeeklyWindowTests.window(1, (9, 0), (12, 0))
    static let mondayAfternoon = WeeklyWindowTests.window(1, (14, 0), (17, 0), slot: 60)

    static func calculator(
        _ identifier: String = "Europe/Paris", windows: [WeeklyWindow] = [monday, mondayAfternoon], timeOff: [TimeSpan] = [],
        extraHours: [ScheduleCalculator.ExtraHours] = [], closed: Set<LocalDate> = []
    ) -> ScheduleCalculator {
        ScheduleCalculator(zone: zone(identifier), windows: windows, timeOff: timeOff, extraHours: extraHours, isClosed: { closed.contains($0) })
    }

    @Test("one entry per day of the range, work only on the windows' weekdays, in order")
    func daysOfTheRange() {
        let days = Self.calculator().days(from: date(2025, 3, 24), through: date(2025, 4, 6))
        #expect(days.count == 14)
        #expect(days.map(\.date) == (0..<14).map { date(2025, 3, 24).adding(days: $0) })
        for day in days {
            #expect(day.periods.isEmpty == (day.date.weekday != 1))
            #expect(!day.clinicClosed)
        }
        let firstMonday = days[0]
        #expect(firstMonday.periods.map(\.span) == [
            TimeSpan(utc(2025, 3, 24, 8), utc(2025, 3, 24, 11)), TimeSpan(utc(2025, 3, 24, 13), utc(2025, 3, 24, 16)),
        ])
        #expect(firstMonday.periods.map(\.slots.count) == [6, 3])
        #expect(firstMonday.periods.allSatisfy { $0.source == .weekly })
        // After the change to summer time the same windows are an hour earlier in UTC.
        #expect(days[7].periods.first?.span == TimeSpan(utc(2025, 3, 31, 7), utc(2025, 3, 31, 10)))
        #expect(Self.calculator().days(from: date(2025, 3, 25), through: date(2025, 3, 24)).isEmpty)
    }

    @Test("time off cuts a period; the slots keep their grid and the overlapped ones go")
    func timeOffInsideAPeriod() {
        let off = TimeSpan(utc(2025, 3, 24, 9), utc(2025, 3, 24, 9, 45))  // 10:00-10:45 in Paris
        let day = Self.calculator(timeOff: [off]).day(date(2025, 3, 24))
        #expect(day.periods.map(\.span) == [
            TimeSpan(utc(2025, 3, 24, 8), utc(2025, 3, 24, 9)), TimeSpan(utc(2025, 3, 24, 9, 45), utc(2025, 3, 24, 11)),
            TimeSpan(utc(2025, 3, 24, 13), utc(2025, 3, 24, 16)),
        ])
        #expect(WeeklyWindowTests.wallStarts(day.periods[0].slots, zone("Europe/Paris")) == ["09:00", "09:30"])
        #expect(WeeklyWindowTests.wallStarts(day.periods[1].slots, zone("Europe/Paris")) == ["11:00", "11:30"])
        #expect(day.timeOff == [off])
    }

    @Test("a day of time off: no periods; time off is shown clipped to the day, only where it removed work")
    func wholeDaysOff() {
        let holiday = TimeSpan(utc(2025, 3, 23, 12), utc(2025, 3, 26, 12))
        let days = Self.calculator(timeOff: [holiday]).days(from: date(2025, 3, 23), through: date(2025, 3, 25))
        #expect(days.allSatisfy { $0.periods.isEmpty })
        #expect(days[0].timeOff.isEmpty)  // Sunday: no work to remove
        #expect(days[1].timeOff == [TimeSpan(utc(2025, 3, 23, 23), utc(2025, 3, 24, 23))])
        #expect(days[2].timeOff.isEmpty)
    }

    @Test("time off on a daylight saving day removes the right real hours")
    func timeOffOnChangeDay() {
        let sunday = WeeklyWindowTests.window(7, (1, 0), (4, 0))
        // Off from 01:30 winter time to 03:30 summer time on 2025-03-30: 00:30Z to 01:30Z.
        let day = Self.calculator(windows: [sunday], timeOff: [TimeSpan(utc(2025, 3, 30, 0, 30), utc(2025, 3, 30, 1, 30))])
            .day(date(2025, 3, 30))
        #expect(day.periods.flatMap(\.slots) == [
            TimeSpan(utc(2025, 3, 30, 0), utc(2025, 3, 30, 0, 30)), TimeSpan(utc(2025, 3, 30, 1, 30), utc(2025, 3, 30, 2)),
        ])
    }

    @Test("extra hours add a period on a day without work, cut from their start")
    func extraHoursAlone() {
        let saturday = ScheduleCalculator.ExtraHours(id: "exc_1", span: TimeSpan(utc(2025, 3, 29, 9), utc(2025, 3, 29, 11, 10)), slot: 20 * 60)
        let day = Self.calculator(extraHours: [saturday]).day(date(2025, 3, 29))
        #expect(day.periods.count == 1)
        #expect(day.periods[0].source == .extraHours(id: "exc_1"))
        #expect(day.periods[0].slots.count == 6)
        #expect(day.periods[0].slots.last == TimeSpan(utc(2025, 3, 29, 10, 40), utc(2025, 3, 29, 11)))
    }

    @Test("extra hours overlapping the weekly windows only fill what they do not cover")
    func extraHoursOverlapWeekly() {
        // 11:00-13:00 in Paris on a Monday with 09:00-12:00: extra from 12:00 to 13:00.
        let extra = ScheduleCalculator.ExtraHours(id: "exc_2", span: TimeSpan(utc(2025, 3, 24, 10), utc(2025, 3, 24, 12)), slot: 30 * 60)
        let day = Self.calculator(extraHours: [extra]).day(date(2025, 3, 24))
        #expect(day.periods.map(\.source) == [.weekly, .extraHours(id: "exc_2"), .weekly])
        #expect(day.periods[1].span == TimeSpan(utc(2025, 3, 24, 11), utc(2025, 3, 24, 12)))
        #expect(day.periods[1].slots.count == 2)
        Self.checkInvariants(day)
    }

    @Test("extra hours across midnight belong to both days")
    func extraHoursAcrossMidnight() {
        let night = ScheduleCalculator.ExtraHours(id: "exc_3", span: TimeSpan(utc(2025, 3, 26, 21), utc(2025, 3, 26, 25)), slot: 60 * 60)
        let split = Self.calculator(extraHours: [night]).days(from: date(2025, 3, 26), through: date(2025, 3, 27))
        #expect(split[0].periods.map(\.span) == [TimeSpan(utc(2025, 3, 26, 21), utc(2025, 3, 26, 23))])
        #expect(split[1].periods.map(\.span) == [TimeSpan(utc(2025, 3, 26, 23), utc(2025, 3, 27, 1))])
        #expect(split.map { $0.periods[0].slots.count } == [2, 2])
    }

    @Test("a clinic closure empties the day, extra hours included")
    func closure() {
        let extra = ScheduleCalculator.ExtraHours(id: "exc_4", span: TimeSpan(utc(2025, 3, 24, 17), utc(2025, 3, 24, 19)), slot: 30 * 60)
        let day = Self.calculator(extraHours: [extra], closed: [date(2025, 3, 24)]).day(date(2025, 3, 24))
        #expect(day.clinicClosed)
        #expect(day.periods.isEmpty)
        #expect(!Self.calculator(closed: [date(2025, 3, 24)]).day(date(2025, 3, 31)).clinicClosed)
    }

    @Test(
        "over a whole year, in zones with odd rules, every day's schedule keeps its invariants",
        arguments: ["Europe/Paris", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC"]
    )
    func yearLongInvariants(identifier: String) {
        let windows = (1...7).flatMap { weekday in
            [
                WeeklyWindowTests.window(weekday, (0, 0), (3, 30), slot: 25),
                WeeklyWindowTests.window(weekday, (9, 0), (12, 0), slot: 30),
                WeeklyWindowTests.window(weekday, (22, 0), (24, 0), slot: 45),
            ]
        }
        let calendar = zone(identifier)
        let days = Self.calculator(identifier, windows: windows).days(from: date(2024, 6, 1), through: date(2025, 5, 31))
        #expect(days.count == 365)
        for day in days {
            Self.checkInvariants(day)
            // Every weekly slot starts on its window's wall-clock grid, on its own date.
            for period in day.periods {
                for slot in period.slots {
                    let (slotDate, second) = calendar.wallClock(at: slot.start)
                    #expect(slotDate == day.date, "\(identifier) \(day.date): slot on \(slotDate)")
                    let window = windows.first { $0.weekday == day.date.weekday && (($0.start)..<($0.end)).contains(second) }
                    #expect(window.map { (second - $0.start) % $0.slot == 0 } == true, "\(identifier) \(day.date) \(second)")
                }
            }
            // On a day without a change, 09:00-12:00 is exactly six slots.
            if calendar.span(of: day.date).duration == 86_400 {
                #expect(day.periods.map(\.slots.count) == [8, 6, 2], "\(identifier) \(day.date)")
            }
        }
    }

    /// Periods in order and disjoint, each with slots of its length, inside it, in order and disjoint.
    static func checkInvariants(_ day: ScheduleCalculator.Day, sourceLocation: SourceLocation = #_sourceLocation) {
        for (earlier, later) in zip(day.periods, day.periods.dropFirst()) {
            #expect(earlier.span.end <= later.span.start, "\(day.date)", sourceLocation: sourceLocation)
        }
        for period in day.periods {
            #expect(!period.slots.isEmpty, sourceLocation: sourceLocation)
            for slot in period.slots {
                #expect(period.span.contains(slot), "\(day.date)", sourceLocation: sourceLocation)
                #expect(slot.duration == Int64(period.slot), "\(day.date)", sourceLocation: sourceLocation)
            }
            for (earlier, later) in zip(period.slots, period.slots.dropFirst()) {
                #expect(earlier.end <= later.start, "\(day.date)", sourceLocation: sourceLocation)
            }
        }
    }
}

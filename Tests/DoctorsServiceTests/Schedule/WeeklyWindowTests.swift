@testable import DoctorsService
import Testing

@Suite("Weekly windows across daylight saving changes")
struct WeeklyWindowTests {
    static func window(_ weekday: Int, _ start: (Int, Int), _ end: (Int, Int), slot minutes: Int = 30) -> WeeklyWindow {
        WeeklyWindow(weekday: weekday, start: start.0 * 3600 + start.1 * 60, end: end.0 * 3600 + end.1 * 60, slot: minutes * 60)
    }

    /// The slots' start times as the clinic's clocks show them, "HH:MM".
    static func wallStarts(_ slots: [TimeSpan], _ calendar: ZoneCalendar) -> [String] {
        slots.map { slot in
            let second = calendar.wallClock(at: slot.start).secondOfDay
            let (hours, minutes) = (second / 3600, second % 3600 / 60)
            return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
        }
    }

    @Test("an ordinary day: 09:00-12:00 in 30-minute slots is six slots, three hours")
    func ordinaryDay() {
        let paris = zone("Europe/Paris")
        let (span, slots) = Self.window(1, (9, 0), (12, 0)).occurrence(on: date(2025, 3, 24), in: paris)
        #expect(span == TimeSpan(utc(2025, 3, 24, 8), utc(2025, 3, 24, 11)))
        #expect(slots.count == 6)
        #expect(slots.first == TimeSpan(utc(2025, 3, 24, 8), utc(2025, 3, 24, 8, 30)))
        #expect(slots.allSatisfy { $0.duration == 1800 })
    }

    @Test("09:00-12:00 stays 09:00-12:00 on the clocks of both Paris change days", arguments: [(2025, 3, 30, 7), (2025, 10, 26, 8)])
    func morningOnChangeDays(year: Int, month: Int, day: Int, utcHour: Int) {
        let paris = zone("Europe/Paris")
        let (span, slots) = Self.window(7, (9, 0), (12, 0)).occurrence(on: date(year, month, day), in: paris)
        #expect(span == TimeSpan(utc(year, month, day, utcHour), utc(year, month, day, utcHour + 3)))
        #expect(Self.wallStarts(slots, paris) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"])
    }

    @Test("Paris spring forward: slots at 02:00 and 02:30 do not exist and are skipped")
    func springForwardSkipsMissingSlots() {
        let paris = zone("Europe/Paris")
        let (span, slots) = Self.window(7, (1, 0), (4, 0)).occurrence(on: date(2025, 3, 30), in: paris)
        #expect(span == TimeSpan(utc(2025, 3, 30, 0), utc(2025, 3, 30, 2)))  // two hours of real time
        #expect(Self.wallStarts(slots, paris) == ["01:00", "01:30", "03:00", "03:30"])
        #expect(slots == [
            TimeSpan(utc(2025, 3, 30, 0), utc(2025, 3, 30, 0, 30)), TimeSpan(utc(2025, 3, 30, 0, 30), utc(2025, 3, 30, 1)),
            TimeSpan(utc(2025, 3, 30, 1), utc(2025, 3, 30, 1, 30)), TimeSpan(utc(2025, 3, 30, 1, 30), utc(2025, 3, 30, 2)),
        ])
    }

    @Test("Paris spring forward: a slot whose wall-clock range runs into the gap is skipped too")
    func springForwardSkipsStraddlingSlot() {
        let paris = zone("Europe/Paris")
        // 45-minute slots from 01:00: 01:00, 01:45 (runs 01:45-02:30: half missing), 02:30 (missing), 03:15.
        let (_, slots) = Self.window(7, (1, 0), (4, 0), slot: 45).occurrence(on: date(2025, 3, 30), in: paris)
        #expect(Self.wallStarts(slots, paris) == ["01:00", "03:15"])
        #expect(slots.allSatisfy { $0.duration == 45 * 60 })
    }

    @Test("Paris fall back: slots at 02:00 and 02:30 happen twice and are offered once")
    func fallBackOffersAmbiguousSlotsOnce() {
        let paris = zone("Europe/Paris")
        let (span, slots) = Self.window(7, (1, 0), (4, 0)).occurrence(on: date(2025, 10, 26), in: paris)
        #expect(span == TimeSpan(utc(2025, 10, 25, 23), utc(2025, 10, 26, 3)))  // four hours of real time
        #expect(Self.wallStarts(slots, paris) == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"])
        // The ambiguous ones are the first occurrence (summer time), each thirty real minutes.
        #expect(slots[2] == TimeSpan(utc(2025, 10, 26, 0), utc(2025, 10, 26, 0, 30)))
        #expect(slots[3] == TimeSpan(utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 1)))
        #expect(slots[4] == TimeSpan(utc(2025, 10, 26, 2), utc(2025, 10, 26, 2, 30)))
        #expect(Set(slots).count == slots.count)
    }

    @Test("Paris fall back with 45-minute slots: no overlap, each slot 45 real minutes")
    func fallBackLongSlots() {
        let paris = zone("Europe/Paris")
        let (_, slots) = Self.window(7, (1, 0), (4, 0), slot: 45).occurrence(on: date(2025, 10, 26), in: paris)
        #expect(Self.wallStarts(slots, paris) == ["01:00", "01:45", "02:30", "03:15"])
        #expect(slots.allSatisfy { $0.duration == 45 * 60 })
        for (earlier, later) in zip(slots, slots.dropFirst()) { #expect(earlier.end <= later.start) }
    }

    @Test("a window inside the spring gap has no time; one starting in it starts at the jump")
    func windowsInTheGap() {
        let paris = zone("Europe/Paris")
        let inside = Self.window(7, (2, 0), (3, 0)).occurrence(on: date(2025, 3, 30), in: paris)
        #expect(inside.span.isEmpty)
        #expect(inside.slots.isEmpty)
        let (span, slots) = Self.window(7, (2, 30), (4, 0)).occurrence(on: date(2025, 3, 30), in: paris)
        #expect(span == TimeSpan(utc(2025, 3, 30, 1), utc(2025, 3, 30, 2)))
        #expect(Self.wallStarts(slots, paris) == ["03:00", "03:30"])
    }

    @Test("a window ending at an ambiguous time ends at its last occurrence")
    func windowEndingInRepeatedHour() {
        let paris = zone("Europe/Paris")
        let (span, slots) = Self.window(7, (0, 0), (2, 30)).occurrence(on: date(2025, 10, 26), in: paris)
        #expect(span == TimeSpan(utc(2025, 10, 25, 22), utc(2025, 10, 26, 1, 30)))
        #expect(Self.wallStarts(slots, paris) == ["00:00", "00:30", "01:00", "01:30", "02:00"])
        #expect(slots.allSatisfy { span.contains($0) })
    }

    @Test("America/New_York on both change days")
    func newYorkChangeDays() {
        let newYork = zone("America/New_York")
        let spring = Self.window(7, (1, 0), (4, 0), slot: 60).occurrence(on: date(2025, 3, 9), in: newYork)
        #expect(Self.wallStarts(spring.slots, newYork) == ["01:00", "03:00"])
        #expect(spring.span.duration == 2 * 3600)
        let fall = Self.window(7, (0, 0), (3, 0), slot: 60).occurrence(on: date(2025, 11, 2), in: newYork)
        #expect(Self.wallStarts(fall.slots, newYork) == ["00:00", "01:00", "02:00"])
        #expect(fall.slots[1] == TimeSpan(utc(2025, 11, 2, 5), utc(2025, 11, 2, 6)))
        #expect(fall.span.duration == 4 * 3600)
        let morning = Self.window(7, (9, 0), (12, 0)).occurrence(on: date(2025, 11, 2), in: newYork)
        #expect(morning.span == TimeSpan(utc(2025, 11, 2, 14), utc(2025, 11, 2, 17)))
    }

    @Test("a window to 00:00 runs to the next midnight; a remainder shorter than a slot is not offered")
    func endOfDayAndRemainder() {
        let paris = zone("Europe/Paris")
        let (span, slots) = Self.window(1, (22, 0), (24, 0), slot: 50).occurrence(on: date(2025, 3, 24), in: paris)
        #expect(span == TimeSpan(utc(2025, 3, 24, 21), utc(2025, 3, 24, 23)))
        #expect(Self.wallStarts(slots, paris) == ["22:00", "22:50"])
    }
}

@testable import AppointmentsService
import Foundation
import Testing

@Suite("Slot computation")
struct SlotCalculatorTests {
    static let profile = DoctorProfile(displayName: "Dr. House", specialtyCodes: ["general-practice"], accountID: "acc_d", onlineBookingEnabled: true, isActive: true)

    static func clinic(_ zone: String, closures: [CivilDateRange] = []) -> ClinicCalendar {
        ClinicCalendar(displayName: "C", calendar: ZonedCalendar(identifier: zone)!, closures: closures, policy: BookingPolicy(), isActive: true)
    }

    static func doctor(_ windows: [WeeklyWindow], timeOff: [TimeSpan] = [], extra: [ExtraHours] = []) -> DoctorAvailability {
        DoctorAvailability(doctorID: "doc_1", profile: profile, windows: windows, timeOff: timeOff, extraHours: extra)
    }

    static func window(_ weekday: Int, _ start: (Int, Int), _ end: (Int, Int), minutes: Int = 30) -> WeeklyWindow {
        WeeklyWindow(weekday: weekday, start: start.0 * 3600 + start.1 * 60, end: end.0 * 3600 + end.1 * 60, slotSeconds: minutes * 60)
    }

    static func days(_ first: (Int, Int, Int), _ last: (Int, Int, Int)) -> CivilDateRange {
        CivilDateRange(first: CivilDate(year: first.0, month: first.1, day: first.2)!, last: CivilDate(year: last.0, month: last.1, day: last.2)!)!
    }

    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static func starts(_ slots: [TimeSpan]) -> [Date] { slots.map(\.start) }

    @Test("Paris spring forward: a 01:00-04:00 window loses the skipped hour; 09:00 stays 09:00 local")
    func parisSpringForward() {
        let availability = Self.doctor([Self.window(7, (1, 0), (4, 0)), Self.window(6, (9, 0), (10, 0)), Self.window(7, (9, 0), (10, 0))])
        let slots = SlotCalculator.offeredSlots(availability, clinic: Self.clinic("Europe/Paris"), range: Self.days((2025, 3, 29), (2025, 3, 30)))
        #expect(Self.starts(slots) == [
            Self.utc("2025-03-29T08:00:00Z"), Self.utc("2025-03-29T08:30:00Z"),  // Saturday 09:00, 09:30 CET
            Self.utc("2025-03-30T00:00:00Z"), Self.utc("2025-03-30T00:30:00Z"),  // Sunday 01:00, 01:30 CET
            Self.utc("2025-03-30T01:00:00Z"), Self.utc("2025-03-30T01:30:00Z"),  // 03:00, 03:30 CEST
            Self.utc("2025-03-30T07:00:00Z"), Self.utc("2025-03-30T07:30:00Z"),  // 09:00, 09:30 CEST
        ])
        #expect(slots.allSatisfy { $0.duration == 1800 })
    }

    @Test("Paris fall back: a 01:00-04:00 window gains the repeated hour")
    func parisFallBack() {
        let slots = SlotCalculator.offeredSlots(
            Self.doctor([Self.window(7, (1, 0), (4, 0))]), clinic: Self.clinic("Europe/Paris"), range: Self.days((2025, 10, 26), (2025, 10, 26)))
        #expect(slots.count == 8)
        #expect(slots.first?.start == Self.utc("2025-10-25T23:00:00Z"))
        #expect(slots.last?.end == Self.utc("2025-10-26T03:00:00Z"))
        #expect(zip(slots, slots.dropFirst()).allSatisfy { $0.end == $1.start })
    }

    @Test("New York: hour slots across the March and November changes")
    func newYork() {
        let spring = SlotCalculator.offeredSlots(
            Self.doctor([Self.window(7, (1, 0), (4, 0), minutes: 60)]), clinic: Self.clinic("America/New_York"),
            range: Self.days((2025, 3, 9), (2025, 3, 9)))
        #expect(Self.starts(spring) == [Self.utc("2025-03-09T06:00:00Z"), Self.utc("2025-03-09T07:00:00Z")])
        let fall = SlotCalculator.offeredSlots(
            Self.doctor([Self.window(7, (1, 0), (3, 0), minutes: 60)]), clinic: Self.clinic("America/New_York"),
            range: Self.days((2025, 11, 2), (2025, 11, 2)))
        #expect(Self.starts(fall) == [Self.utc("2025-11-02T05:00:00Z"), Self.utc("2025-11-02T06:00:00Z"), Self.utc("2025-11-02T07:00:00Z")])
        // A regular day in between: 09:00 EDT.
        let summer = SlotCalculator.offeredSlots(
            Self.doctor([Self.window(3, (9, 0), (10, 0), minutes: 60)]), clinic: Self.clinic("America/New_York"),
            range: Self.days((2025, 7, 2), (2025, 7, 2)))
        #expect(Self.starts(summer) == [Self.utc("2025-07-02T13:00:00Z")])
    }

    @Test("time off removes every slot it touches; a day off removes the day")
    func timeOff() {
        let paris = Self.clinic("Europe/Paris")
        let week = Self.days((2025, 3, 24), (2025, 3, 26))
        let mornings = [1, 2, 3].map { Self.window($0, (9, 0), (12, 0)) }
        let dayOff = TimeSpan(start: Self.utc("2025-03-24T23:00:00Z"), end: Self.utc("2025-03-25T23:00:00Z"))  // all of Tuesday
        let dentist = TimeSpan(start: Self.utc("2025-03-26T09:15:00Z"), end: Self.utc("2025-03-26T10:00:00Z"))  // 10:15-11:00 Wednesday
        let slots = SlotCalculator.offeredSlots(Self.doctor(mornings, timeOff: [dayOff, dentist]), clinic: paris, range: week)
        let byDay = Dictionary(grouping: slots) { paris.calendar.civilDate(of: $0.start).day }
        #expect(byDay[24]?.count == 6)
        #expect(byDay[25] == nil)
        #expect(byDay[26].map(Self.starts) == [
            Self.utc("2025-03-26T08:00:00Z"), Self.utc("2025-03-26T08:30:00Z"), Self.utc("2025-03-26T10:00:00Z"),
            Self.utc("2025-03-26T10:30:00Z"),
        ])
    }

    @Test("extra hours add slots without overlapping the week's; closures and remainders offer nothing")
    func extraHoursClosuresRemainders() {
        let closed = Self.days((2025, 3, 26), (2025, 3, 26))
        let paris = Self.clinic("Europe/Paris", closures: [closed])
        let windows = [Self.window(1, (9, 0), (10, 45)), Self.window(3, (9, 0), (12, 0))]
        // Monday 10:00-11:00 local extra hours with 20-minute slots, overlapping the window's 10:00-10:30.
        let extra = ExtraHours(span: TimeSpan(start: Self.utc("2025-03-24T09:00:00Z"), end: Self.utc("2025-03-24T10:00:00Z")), slotSeconds: 1200)
        let slots = SlotCalculator.offeredSlots(Self.doctor(windows, extra: [extra]), clinic: paris, range: Self.days((2025, 3, 24), (2025, 3, 26)))
        // The window gives 09:00, 09:30, 10:00 (the 10:30-10:45 remainder is no slot); the extra
        // hours give 10:00, 10:20, 10:40, and the shorter 10:00 slot wins over the window's.
        #expect(Self.starts(slots) == [
            Self.utc("2025-03-24T08:00:00Z"), Self.utc("2025-03-24T08:30:00Z"), Self.utc("2025-03-24T09:00:00Z"),
            Self.utc("2025-03-24T09:20:00Z"), Self.utc("2025-03-24T09:40:00Z"),
        ])
        #expect(zip(slots, slots.dropFirst()).allSatisfy { !$0.overlaps($1) })
        #expect(slots.allSatisfy { paris.calendar.civilDate(of: $0.start).day != 26 })
    }

    @Test("a window ending at midnight runs to the end of the day")
    func midnight() {
        let slots = SlotCalculator.offeredSlots(
            Self.doctor([Self.window(1, (23, 0), (0, 0))].map { WeeklyWindow(weekday: $0.weekday, start: $0.start, end: 86_400, slotSeconds: 1800) }),
            clinic: Self.clinic("Europe/Paris"), range: Self.days((2025, 3, 24), (2025, 3, 24)))
        #expect(Self.starts(slots) == [Self.utc("2025-03-24T22:00:00Z"), Self.utc("2025-03-24T22:30:00Z")])
    }

    @Test("bookings take their slots out; the booking window keeps the past and the far future out")
    func bookingsAndWindow() {
        let offered = SlotCalculator.cut(TimeSpan(start: Self.utc("2025-03-24T08:00:00Z"), end: Self.utc("2025-03-24T10:00:00Z")), slotSeconds: 1800)
        let booked = [TimeSpan(start: Self.utc("2025-03-24T08:30:00Z"), end: Self.utc("2025-03-24T09:00:00Z")),
                      TimeSpan(start: Self.utc("2025-03-24T09:15:00Z"), end: Self.utc("2025-03-24T09:45:00Z"))]
        #expect(Self.starts(SlotCalculator.freeSlots(offered, booked: booked)) == [Self.utc("2025-03-24T08:00:00Z")])
        #expect(SlotCalculator.slot(startingAt: Self.utc("2025-03-24T09:30:00Z"), in: offered)?.end == Self.utc("2025-03-24T10:00:00Z"))
        #expect(SlotCalculator.slot(startingAt: Self.utc("2025-03-24T09:10:00Z"), in: offered) == nil)

        let now = Self.utc("2025-03-24T08:00:00Z")
        var policy = BookingPolicy()
        policy.minLeadSeconds = 3600
        policy.maxAdvanceSeconds = 86_400
        let patient = BookingWindow.patient(now: now, policy: policy)
        #expect(!patient.allows(Self.utc("2025-03-24T08:30:00Z")))
        #expect(patient.allows(Self.utc("2025-03-24T09:00:00Z")))
        #expect(!patient.allows(Self.utc("2025-03-25T08:30:00Z")))
        let staff = BookingWindow.staff(now: now)
        #expect(staff.allows(Self.utc("2025-03-24T08:00:00Z")) && staff.allows(Self.utc("2026-03-24T08:00:00Z")))
        #expect(!staff.allows(Self.utc("2025-03-24T07:59:00Z")))
    }
}

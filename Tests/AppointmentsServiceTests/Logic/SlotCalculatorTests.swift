@testable import AppointmentsService
import Foundation
import Testing

// The offered slots themselves come from the doctors service's GetDoctorSchedule: their daylight
// saving, time off and closure cases are tested through the real services in SlotSearchTests.
@Suite("Free slots from offered slots")
struct SlotCalculatorTests {
    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static func starts(_ slots: [TimeSpan]) -> [Date] { slots.map(\.start) }

    @Test("bookings take their slots out; the booking window keeps the past and the far future out")
    func bookingsAndWindow() {
        let offered = (0..<4).map { index in
            TimeSpan(
                start: Self.utc("2025-03-24T08:00:00Z").addingTimeInterval(Double(index) * 1800),
                end: Self.utc("2025-03-24T08:30:00Z").addingTimeInterval(Double(index) * 1800))
        }
        let booked = [TimeSpan(start: Self.utc("2025-03-24T08:30:00Z"), end: Self.utc("2025-03-24T09:00:00Z")),
                      TimeSpan(start: Self.utc("2025-03-24T09:15:00Z"), end: Self.utc("2025-03-24T09:45:00Z"))]
        #expect(Self.starts(SlotCalculator.freeSlots(offered, booked: booked)) == [Self.utc("2025-03-24T08:00:00Z")])
        #expect(SlotCalculator.slot(startingAt: Self.utc("2025-03-24T09:30:00Z"), in: offered)?.end == Self.utc("2025-03-24T10:00:00Z"))
        #expect(SlotCalculator.slot(startingAt: Self.utc("2025-03-24T09:10:00Z"), in: offered) == nil)

        let paris = ZonedCalendar(identifier: "Europe/Paris")!
        let days = SlotCalculator.daysAround(Self.utc("2025-03-24T23:30:00Z"), calendar: paris)
        #expect(days.first == CivilDate(year: 2025, month: 3, day: 24) && days.last == CivilDate(year: 2025, month: 3, day: 25))

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

@testable import AppointmentsService
import Foundation
import Testing

@Suite("Appointment life cycle")
struct AppointmentLifecycleTests {
    static let start = Date(timeIntervalSince1970: 1_742_800_000)
    static let before = start.addingTimeInterval(-60)
    static let after = start.addingTimeInterval(60)

    static func outcome(_ status: AppointmentStatus, _ action: LifecycleAction, at now: Date = before) -> AppointmentLifecycle.Outcome? {
        try? AppointmentLifecycle(status: status).outcome(of: action, now: now, start: start).get()
    }

    @Test("each action moves the statuses FHIR allows, repeats are no-ops, the rest is refused")
    func transitions() {
        #expect(Self.outcome(.proposed, .confirm) == .moves(to: .booked))
        #expect(Self.outcome(.booked, .confirm) == .unchanged)
        #expect(Self.outcome(.booked, .checkIn) == .moves(to: .arrived))
        #expect(Self.outcome(.arrived, .checkIn) == .unchanged)
        #expect(Self.outcome(.arrived, .complete) == .moves(to: .fulfilled))
        #expect(Self.outcome(.fulfilled, .complete) == .unchanged)
        #expect(Self.outcome(.proposed, .cancel) == .moves(to: .cancelled))
        #expect(Self.outcome(.booked, .cancel) == .moves(to: .cancelled))
        #expect(Self.outcome(.cancelled, .cancel) == .unchanged)
        #expect(Self.outcome(.booked, .markNoShow, at: Self.after) == .moves(to: .noShow))
        #expect(Self.outcome(.noShow, .markNoShow, at: Self.after) == .unchanged)
        #expect(Self.outcome(.booked, .reschedule) == .unchanged)
        #expect(Self.outcome(.proposed, .reschedule) == .unchanged)

        for (status, action) in [
            (AppointmentStatus.proposed, LifecycleAction.checkIn), (.proposed, .complete), (.proposed, .markNoShow),
            (.booked, .complete), (.arrived, .cancel), (.arrived, .confirm), (.arrived, .reschedule), (.fulfilled, .cancel),
            (.cancelled, .confirm), (.cancelled, .reschedule), (.noShow, .checkIn), (.noShow, .cancel),
        ] {
            #expect(Self.outcome(status, action, at: Self.after) == nil, "\(status) \(action)")
        }
        #expect(Self.outcome(.booked, .markNoShow, at: Self.before) == nil)
    }

    @Test("slot-holding statuses are exactly those in the database's unique index")
    func slotHolding() {
        #expect(AppointmentStatus.allCases.filter(\.holdsSlot) == [.proposed, .booked, .arrived])
        #expect(AppointmentStatus.slotHoldingSQL == "('proposed', 'booked', 'arrived')")
    }

    @Test("patients' online bookings wait for confirmation only when the clinic asks for it")
    func initialStatus() {
        var policy = BookingPolicy()
        #expect(AppointmentLifecycle.initialStatus(bookedByPatient: true, policy: policy) == .booked)
        policy.requiresConfirmation = true
        #expect(AppointmentLifecycle.initialStatus(bookedByPatient: true, policy: policy) == .proposed)
        #expect(AppointmentLifecycle.initialStatus(bookedByPatient: false, policy: policy) == .booked)
    }
}

import Foundation

/// The status of an appointment, aligned with FHIR `Appointment.status`.
enum AppointmentStatus: String, Sendable, Hashable, CaseIterable {
    /// Requested by a patient, holding the slot, waiting for the clinic's confirmation.
    case proposed
    /// Confirmed.
    case booked
    /// The patient has checked in.
    case arrived
    /// The visit took place.
    case fulfilled
    /// Cancelled before it took place.
    case cancelled
    /// The patient did not come.
    case noShow = "noshow"

    /// Whether the appointment holds its slot (the database's no-double-booking index covers
    /// exactly these; cancelled, fulfilled and no-show appointments free it).
    var holdsSlot: Bool {
        switch self {
        case .proposed, .booked, .arrived: true
        case .fulfilled, .cancelled, .noShow: false
        }
    }

    /// The statuses that hold a slot, as SQL text for `status IN (...)`.
    static let slotHoldingSQL = "('proposed', 'booked', 'arrived')"
}

/// What a lifecycle method asks of an appointment.
enum LifecycleAction: Sendable, Hashable {
    /// ConfirmAppointment.
    case confirm
    /// CheckInAppointment.
    case checkIn
    /// CompleteAppointment.
    case complete
    /// CancelAppointment.
    case cancel
    /// MarkNoShow.
    case markNoShow
    /// RescheduleAppointment (the status stays).
    case reschedule
}

/// The appointment life cycle as a value: which action moves which status where.
///
/// ```
/// Book ──► PROPOSED ──confirm──► BOOKED ──checkIn──► ARRIVED ──complete──► FULFILLED
///              │                   │  └──markNoShow (after the start)──► NOSHOW
///              └──────cancel───────┴──────────────► CANCELLED
/// ```
///
/// Repeating the action that produced the current status answers `.unchanged` (the methods are
/// idempotent: a retried confirm, check-in, completion, no-show or cancel returns the appointment
/// as it is). Anything else is `failed_precondition`.
struct AppointmentLifecycle: Sendable, Hashable {
    /// The outcome of an action.
    enum Outcome: Sendable, Hashable {
        /// The appointment moves to this status.
        case moves(to: AppointmentStatus)
        /// Nothing to do: the action already happened.
        case unchanged
    }

    /// Why an action is refused.
    struct Refusal: Error, Sendable, Hashable {
        let message: String
    }

    /// The current status.
    var status: AppointmentStatus

    /// The status a new booking starts in: PROPOSED when the clinic confirms online bookings by
    /// patients itself, BOOKED otherwise (and always for staff).
    static func initialStatus(bookedByPatient: Bool, policy: BookingPolicy) -> AppointmentStatus {
        bookedByPatient && policy.requiresConfirmation ? .proposed : .booked
    }

    /// What `action` does at `now` to an appointment starting at `start`.
    func outcome(of action: LifecycleAction, now: Date, start: Date) -> Result<Outcome, Refusal> {
        switch (action, status) {
        case (.confirm, .proposed): return .success(.moves(to: .booked))
        case (.confirm, .booked): return .success(.unchanged)
        case (.checkIn, .booked): return .success(.moves(to: .arrived))
        case (.checkIn, .arrived): return .success(.unchanged)
        case (.complete, .arrived): return .success(.moves(to: .fulfilled))
        case (.complete, .fulfilled): return .success(.unchanged)
        case (.cancel, .proposed), (.cancel, .booked): return .success(.moves(to: .cancelled))
        case (.cancel, .cancelled): return .success(.unchanged)
        case (.markNoShow, .booked):
            guard now >= start else {
                return .failure(Refusal(message: "a no-show can be recorded only after the appointment's start time"))
            }
            return .success(.moves(to: .noShow))
        case (.markNoShow, .noShow): return .success(.unchanged)
        case (.reschedule, .proposed), (.reschedule, .booked): return .success(.unchanged)
        default:
            return .failure(Refusal(message: "an appointment that is \(status.rawValue) cannot be \(action.pastTense)"))
        }
    }
}

extension LifecycleAction {
    /// For messages: "confirmed", "checked in" ...
    var pastTense: String {
        switch self {
        case .confirm: "confirmed"
        case .checkIn: "checked in"
        case .complete: "completed"
        case .cancel: "cancelled"
        case .markNoShow: "marked as a no-show"
        case .reschedule: "rescheduled"
        }
    }
}

import RPCCore

extension RPCError {
    /// An appointment that does not exist or that the caller may not see (the answer is the same).
    static let appointmentNotFound = RPCError(code: .notFound, message: "appointment not found")
    /// The slot is held by another appointment: the loser of a booking race, or a slot booked since
    /// it was listed. `already_exists`, as the proto documents; a start that is no slot at all is
    /// `failed_precondition` instead (`notAFreeSlot`).
    static let slotTaken = RPCError(code: .alreadyExists, message: "start_time: the slot is already booked")
    /// The request's etag is not the appointment's current one.
    static let staleEtag = RPCError(
        code: .aborted, message: "etag: the appointment changed since it was read; read it again")

    /// A start that is not one of the doctor's offered slots.
    static func notAFreeSlot(_ detail: String = "is not the start of a slot of the doctor") -> RPCError {
        RPCError(code: .failedPrecondition, message: "start_time: \(detail)")
    }

    /// A failed_precondition error.
    static func precondition(_ message: String) -> RPCError {
        RPCError(code: .failedPrecondition, message: message)
    }
}

internal import NIOCore
internal import RPCWire

/// A request part not yet framed: waiting for credit, or behind one that is.
struct PendingRequest {
    enum Part {
        case message(ByteBuffer)
        case end
    }

    var part: Part
    /// Resumed once the frame is written (nil when the writer did not wait).
    var waiter: CheckedContinuation<Void, any Error>?
}

/// One call on a client connection: its handle, request parts waiting for credit, and the one
/// message held back until the end of the loop tick so that a unary request's MESSAGE carries
/// the END_STREAM flag instead of costing a separate END_STREAM frame.
struct ClientStreamState {
    let handle: ClientStreamHandle
    /// Rarely more than one (a writer waits for its part): an array, which costs no allocation
    /// while empty.
    var pending: [PendingRequest] = []
    /// The first request message, held until `.end` (merged into its flag) or the tick's flush.
    var held: ByteBuffer?
    /// After a second message the call streams: nothing more is held.
    var streaming = false
    var halfClosed = false
    /// When the call expires (the connection cancels it then); nil: no deadline.
    var deadline: NIODeadline?

    init(handle: ClientStreamHandle, deadline: NIODeadline?) {
        self.handle = handle
        self.deadline = deadline
    }

    /// No request part was written or queued yet.
    var hasSentNothing: Bool { !halfClosed && !streaming && held == nil && pending.isEmpty }
}

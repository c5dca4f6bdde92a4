internal import NIOCore
internal import RPCWire

/// A response frame waiting for the peer's message credit, with the writer waiting on it.
struct PendingResponse {
    enum Part {
        case initialMetadata(ByteBuffer)
        case message(ByteBuffer)
        case trailers(ByteBuffer)

        var isTrailers: Bool {
            if case .trailers = self { return true }
            return false
        }
    }

    var part: Part
    /// Resumed once the frame is written (nil when nobody waits, e.g. trailers).
    var waiter: CheckedContinuation<Void, any Error>?
}

/// One call on a server connection: the handle its handler task uses, and the response frames
/// held back because the client has not granted credit yet (they go out in order, trailers
/// last, as soon as a WINDOW_UPDATE arrives).
struct ServerStreamState {
    let handle: ServerStreamHandle
    /// Rarely more than one (a writer waits for its part): an array, which costs no allocation
    /// while empty.
    var pending: [PendingResponse] = []
    /// Whether the client may still send messages.
    var clientSending = true
    /// When the call expires (its handler task is cancelled then); nil: no deadline.
    var deadline: NIODeadline?

    init(handle: ServerStreamHandle, deadline: NIODeadline?) {
        self.handle = handle
        self.deadline = deadline
    }

    /// The client half-closed; returns the handle (changed in place in the stream table).
    mutating func endClientSending() -> ServerStreamHandle {
        clientSending = false
        return handle
    }
}

/// Opens call streams to a server: the network transport (connections, frames, TLS) and the
/// in-process transport both conform, so `RPCClient` and the generated clients work over either.
public protocol ClientTransport: Sendable {
    /// Opens a stream for `start`, runs `body` with it, and closes the stream when `body` returns.
    ///
    /// Contract (the call layer relies on it; see docs/RPC.md):
    /// - If `body` returns or throws before the stream's inbound sequence delivered its trailers,
    ///   the transport cancels the call at the server (the server's handler task is cancelled).
    /// - If the calling task is cancelled, the transport cancels the call at once and the inbound
    ///   sequence throws (`CancellationError` or an `RPCError`).
    /// - Opening fails with `RPCError` code `unavailable` when no stream can be opened now (no
    ///   connection, the server is draining) — the client may retry idempotent calls.
    func withStream<Result: Sendable>(
        _ start: RPCCallStart, _ body: (RPCClientStream) async throws -> Result
    ) async throws -> Result

    /// Makes a unary call: writes `request` and returns the response parts in order, the
    /// trailers last. Same contract as `withStream`, with one addition: after three parts
    /// without trailers (more than a unary response holds) it may return them and cancel the
    /// call at the server. The default runs `withStream`; a transport implements it to save the
    /// stream machinery on the most common call (the network transport does it in one hop to
    /// its event loop and back).
    nonisolated(nonsending) func unary(_ start: RPCCallStart, request: [UInt8]) async throws -> [RPCResponsePart]

    /// Stops opening new streams; streams in flight run to completion.
    func beginGracefulShutdown()

    /// True when `withStream` itself ends a call once `start.deadline` passes: a wait to open
    /// the stream fails, the call is cancelled at the server (as DEADLINE_EXCEEDED) and the
    /// inbound sequence throws `RPCError` `deadline_exceeded`. `RPCClient` then runs unary calls
    /// without a deadline task of its own (calls whose closures are the caller's always get one,
    /// so those closures are cancelled at the deadline too).
    var enforcesDeadlines: Bool { get }
}

extension ClientTransport {
    /// By default the client call layer enforces deadlines itself.
    public var enforcesDeadlines: Bool { false }

    nonisolated(nonsending) public func unary(_ start: RPCCallStart, request: [UInt8]) async throws -> [RPCResponsePart] {
        try await withStream(start) { stream in
            // A failed write means the call is already over; the responses say how.
            do {
                try await stream.outbound.write(.message(request))
                try await stream.outbound.write(.end)
            } catch {}
            var gathered = UnaryResponseParts()
            for try await part in stream.inbound {
                if gathered.append(part) { break }
            }
            return gathered.parts
        }
    }
}

/// The client's side of one call: where request parts go and where response parts come from.
public struct RPCClientStream: Sendable {
    /// Request messages then one `.end`. A write suspends while the transport's buffer toward
    /// the server is full (backpressure) and throws once the call is over (the server already
    /// sent its trailers, or the call was cancelled).
    public var outbound: RPCWriter<RPCRequestPart>
    /// Response parts in order (see `RPCResponsePart`); ends after the trailers. Throws an
    /// `RPCError` (usually `unavailable`) when the connection is lost, and ends early without
    /// trailers only when the transport broke its contract (the client reports `internal`).
    public var inbound: RPCAsyncSequence<RPCResponsePart>

    public init(outbound: RPCWriter<RPCRequestPart>, inbound: RPCAsyncSequence<RPCResponsePart>) {
        self.outbound = outbound
        self.inbound = inbound
    }
}

/// Accepts call streams from clients: the network transport and the in-process transport both
/// conform, so `RPCServer` serves either.
public protocol ServerTransport: Sendable {
    /// Accepts streams until `beginGracefulShutdown()` (or until the calling task is cancelled),
    /// running `handler` once per stream, each in a task of its own.
    ///
    /// Contract (see docs/RPC.md):
    /// - When the client cancels a call or its connection is lost, the transport cancels the task
    ///   running that stream's `handler`.
    /// - When the task running `listen` is cancelled, every stream's task is cancelled.
    /// - Returns once it has stopped accepting and every `handler` it started has returned.
    func listen(_ handler: @escaping RPCStreamHandler) async throws

    /// Stops accepting new streams (the network transport sends goaway); calls in flight go on.
    func beginGracefulShutdown()
}

/// Serves one call stream. Nonsending: it runs where the transport starts it (the NIO
/// transport: a task on the connection's event loop) without a hop at each async boundary.
public typealias RPCStreamHandler = nonisolated(nonsending) @Sendable (RPCServerStream) async -> Void

/// The server's side of one call.
public struct RPCServerStream: Sendable {
    /// The method, request metadata and deadline the client sent.
    public var start: RPCCallStart
    /// Who is calling, as the transport knows it (address, verified certificate identity).
    public var peer: Peer
    /// Request messages; ends when the client half-closes, throws when the call is cancelled.
    public var inbound: RPCAsyncSequence<[UInt8]>
    /// Response parts, in the order `RPCResponsePart` documents; a write suspends while the
    /// client is not reading (backpressure) and throws once the client is gone.
    public var outbound: RPCWriter<RPCResponsePart>
    /// True when the transport itself cancels the task running this stream's handler once
    /// `start.deadline` passes, keeping `outbound` open for the status (the NIO transport does,
    /// with one event-loop timer per connection). When false, `RPCServer` races the handler
    /// against the deadline in a child task.
    public var enforcesDeadline: Bool
    /// The whole request stream when the transport already holds it: the client's one message
    /// and its half-close arrived with the call start (every unary call from our client does).
    /// `inbound` still yields the same message; a unary method reads this instead and skips the
    /// stream machinery. `nil` when the transport cannot tell yet.
    public var request: [UInt8]?
    /// Writes several response parts in one transport operation (a unary reply: message and
    /// trailers, so they leave in one flush). `nil`: `write(_:)` writes them one by one.
    public var outboundBatch: RPCWriter<[RPCResponsePart]>?

    public init(
        start: RPCCallStart, peer: Peer, inbound: RPCAsyncSequence<[UInt8]>, outbound: RPCWriter<RPCResponsePart>,
        enforcesDeadline: Bool = false, request: [UInt8]? = nil, outboundBatch: RPCWriter<[RPCResponsePart]>? = nil
    ) {
        self.start = start
        self.peer = peer
        self.inbound = inbound
        self.outbound = outbound
        self.enforcesDeadline = enforcesDeadline
        self.request = request
        self.outboundBatch = outboundBatch
    }

    /// Writes `parts` in order, through `outboundBatch` when the transport has one.
    nonisolated(nonsending) public func write(_ parts: [RPCResponsePart]) async throws {
        if let outboundBatch { return try await outboundBatch.write(parts) }
        try await outbound.write(contentsOf: parts)
    }
}

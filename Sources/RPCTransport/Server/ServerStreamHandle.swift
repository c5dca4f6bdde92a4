internal import NIOCore
internal import RPCCore
internal import RPCWire
import Synchronization

/// What a server call's handler task holds of its stream: the request messages (fed by the
/// connection's loop) and a writer for the response parts, which goes straight to the
/// connection when the task runs on its loop and hops there otherwise.
final class ServerStreamHandle: Sendable {
    /// The request side as the connection's loop sees it.
    private enum Inbound {
        /// The handler has not started: at most one message so far, and whether the client
        /// half-closed. A unary request, whole in the read that opened the call, stays here and
        /// needs no inbox (whose creation and generic deinit cost more than the rest of the
        /// request's way to the handler).
        case early(first: [UInt8]?, ended: Bool)
        /// The handler reads a stream: messages go to the inbox.
        case inbox(StreamInbox<[UInt8]>)
        /// The handler had the whole request: nothing more comes.
        case whole
        /// Cancelled before the handler started: its reading fails with this.
        case failed(any Error)
    }

    let id: StreamID
    let loop: any EventLoop
    /// Touched only on `loop` (the connection's reads and `startInbound`), so it needs no lock;
    /// the handler task reads the request through what `startInbound` returned.
    nonisolated(unsafe) private var inbound: Inbound = .early(first: nil, ended: false)
    private let window: Int
    private let connection: NIOLoopBound<ServerConnectionHandler>
    private let peerLimits: WireLimits
    private let task = Mutex<(task: Task<Void, Never>?, cancelled: Bool)>((nil, false))
    /// Set once the trailers went to the connection: the call is answered.
    private let answered = Atomic<Bool>(false)

    /// Whether the trailers were written (the call layer always writes them; the transport's
    /// fallback status is for a handler that did not).
    var isAnswered: Bool { answered.load(ordering: .relaxed) }

    init(id: StreamID, connection: ServerConnectionHandler, loop: any EventLoop, peerLimits: WireLimits, window: Int) {
        self.id = id
        self.loop = loop
        self.peerLimits = peerLimits
        self.window = window
        self.connection = NIOLoopBound(connection, eventLoop: loop)
    }

    // MARK: Request (on the loop)

    /// A request message from the client; `endStream`: its last.
    func deliver(_ message: [UInt8], endStream: Bool) {
        loop.assertInEventLoop()
        switch inbound {
        case .early(nil, false):
            inbound = .early(first: message, ended: endStream)
        case .early(let first?, _):
            // A second message before the handler started: a stream after all.
            let inbox = makeInbox()
            inbox.deliver(first)
            inbox.deliver(message)
            if endStream { inbox.finish() }
            inbound = .inbox(inbox)
        case .inbox(let inbox):
            inbox.deliver(message)
            if endStream { inbox.finish() }
        case .early(nil, true), .whole, .failed:
            // The connection's validator lets nothing through after the half-close.
            break
        }
    }

    /// The client half-closed, or the call is over: the handler's reading ends.
    func finishInbound() {
        loop.assertInEventLoop()
        switch inbound {
        case .early(let first, _): inbound = .early(first: first, ended: true)
        case .inbox(let inbox): inbox.finish()
        case .whole, .failed: break
        }
    }

    /// What the handler gets, when it starts: the whole request if the client's one message and
    /// half-close are here, and the request messages as a sequence either way.
    func startInbound() -> (request: [UInt8]?, messages: RPCAsyncSequence<[UInt8]>) {
        loop.assertInEventLoop()
        switch inbound {
        case .early(let first, true):
            // The client half-closed after one message or none: the request is all here.
            inbound = .whole
            return (first, RPCAsyncSequence(wrapping: WholeRequest(message: first)))
        case .early(let first, false):
            let inbox = makeInbox()
            if let first { inbox.deliver(first) }
            inbound = .inbox(inbox)
            return (nil, RPCAsyncSequence(wrapping: inbox.elements))
        case .inbox(let inbox):
            return (nil, RPCAsyncSequence(wrapping: inbox.elements))
        case .failed(let error):
            let inbox = makeInbox()
            inbox.fail(error)
            inbound = .inbox(inbox)
            return (nil, RPCAsyncSequence(wrapping: inbox.elements))
        case .whole:
            preconditionFailure("a call's handler starts once")
        }
    }

    /// The inbox of a streamed request: the client gets credit back as the handler reads.
    private func makeInbox() -> StreamInbox<[UInt8]> {
        let connection = self.connection
        let loop = self.loop
        let id = self.id
        return StreamInbox(batch: max(window / 2, 1), countsAsMessage: { _ in true }) { count in
            if loop.inEventLoop {
                connection.value.consumed(count, on: id)
            } else {
                loop.execute { connection.value.consumed(count, on: id) }
            }
        }
    }

    /// The response writer for `RPCServerStream.outbound`.
    var outbound: RPCWriter<RPCResponsePart> { RPCWriter { [self] part in try await write(part) } }

    /// The batch writer for `RPCServerStream.outboundBatch`.
    var outboundBatch: RPCWriter<[RPCResponsePart]> { RPCWriter { [self] parts in try await write(parts) } }

    // MARK: Handler task

    /// Starts the call's handler task, on `executor` when given.
    func start(on executor: EventLoopTaskExecutor?, _ body: @escaping @Sendable () async -> Void) {
        let started = Task(executorPreference: executor) { await body() }
        let cancelled = task.withLock { state in
            state.task = started
            return state.cancelled
        }
        if cancelled { started.cancel() }
    }

    /// The call's deadline passed: cancels the handler task, whose call layer then answers
    /// DEADLINE_EXCEEDED on the stream (which stays open for that).
    func expire() {
        let running = task.withLock { state in
            state.cancelled = true
            return state.task
        }
        running?.cancel()
    }

    /// Cancels the handler task (the client cancelled, or the connection is gone) and ends the
    /// request messages with `error`. On the loop.
    func cancel(_ error: any Error) {
        loop.assertInEventLoop()
        let running = task.withLock { state in
            state.cancelled = true
            return state.task
        }
        running?.cancel()
        switch inbound {
        case .early: inbound = .failed(error)
        case .inbox(let inbox): inbox.fail(error)
        case .whole, .failed: break
        }
    }

    // MARK: Writing

    nonisolated(nonsending) private func write(_ part: RPCResponsePart) async throws {
        let pending = try encode(part)
        if case .trailers = pending { answered.store(true, ordering: .relaxed) }
        if loop.inEventLoop {
            // The hot path: on the connection's loop, with credit, nothing to wait for.
            switch connection.value.write(pending, on: id, waiter: nil, mayQueue: false) {
            case .wrote, .queued: return
            case .closed: throw Self.callOver
            case .mustWait: break
            }
        }
        try await send(pending)
    }

    /// Writes `parts` in order; on the connection's loop with credit, in one pass (a unary reply
    /// leaves in one flush). A part that cannot be sent ends the call with its error instead.
    nonisolated(nonsending) private func write(_ parts: [RPCResponsePart]) async throws {
        let pending = encode(parts)
        if pending.contains(where: \.isTrailers) { answered.store(true, ordering: .relaxed) }
        var rest = pending[...]
        if loop.inEventLoop {
            guard let written = connection.value.write(pending, on: id) else { throw Self.callOver }
            rest = pending.dropFirst(written)
        }
        for part in rest { try await send(part) }
    }

    /// Hands `part` to the connection on its loop and waits until it is written.
    nonisolated(nonsending) private func send(_ part: PendingResponse.Part) async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            let connection = self.connection
            let id = self.id
            loop.execute {
                switch connection.value.write(part, on: id, waiter: waiter, mayQueue: true) {
                case .wrote, .queued, .mustWait: break
                case .closed: waiter.resume(throwing: Self.callOver)
                }
            }
        }
    }

    /// Encodes a batch: metadata or a message the client cannot take (invalid, over its
    /// limits) is dropped, with what follows it before the trailers, and the trailers then
    /// carry that error's status instead.
    private func encode(_ parts: [RPCResponsePart]) -> [PendingResponse.Part] {
        var encoded: [PendingResponse.Part] = []
        encoded.reserveCapacity(parts.count)
        var refusal: RPCError?
        for part in parts {
            if case .trailers(let status, let metadata) = part {
                let allocator = ByteBufferAllocator()
                encoded.append(.trailers(encodeTrailers(refusal.map(RPCStatus.init) ?? status, metadata, allocator: allocator)))
                continue
            }
            guard refusal == nil else { continue }
            do {
                encoded.append(try encode(part))
            } catch let error as RPCError {
                refusal = error
            } catch {
                refusal = RPCError(code: .internal, message: "a response part could not be encoded")
            }
        }
        return encoded
    }

    private func encode(_ part: RPCResponsePart) throws -> PendingResponse.Part {
        let allocator = ByteBufferAllocator()
        switch part {
        case .metadata(let metadata):
            try CallPayloads.validate(metadata)
            let payload = CallPayloads.encodeMetadata(metadata, allocator: allocator)
            guard payload.readableBytes <= peerLimits.maxMetadataSize else {
                throw RPCError(
                    code: .resourceExhausted,
                    message: "response metadata of \(payload.readableBytes) bytes is over the client's limit of \(peerLimits.maxMetadataSize)")
            }
            return .initialMetadata(payload)
        case .message(let bytes):
            guard bytes.count <= peerLimits.maxFrameSize else {
                throw RPCError(
                    code: .resourceExhausted,
                    message: "a response message of \(bytes.count) bytes is over the client's limit of \(peerLimits.maxFrameSize)")
            }
            var payload = allocator.buffer(capacity: bytes.count)
            payload.writeBytes(bytes)
            return .message(payload)
        case .trailers(let status, let metadata):
            return .trailers(encodeTrailers(status, metadata, allocator: allocator))
        }
    }

    /// Trailers always go out: ones that cannot (bad metadata, too large) become `internal`.
    private func encodeTrailers(_ status: RPCStatus, _ metadata: Metadata, allocator: ByteBufferAllocator) -> ByteBuffer {
        var problem: String?
        do {
            try CallPayloads.validate(metadata)
            let payload = CallPayloads.encodeTrailers(status, metadata, allocator: allocator)
            if payload.readableBytes <= peerLimits.maxMetadataSize { return payload }
            problem = "the trailers of \(payload.readableBytes) bytes are over the client's limit of \(peerLimits.maxMetadataSize)"
        } catch {
            problem = error.message
        }
        let fallback = RPCStatus(code: .internal, message: problem ?? "the trailers could not be sent")
        return CallPayloads.encodeTrailers(fallback, [:], allocator: allocator)
    }

    static let callOver = RPCError(code: .cancelled, message: "the call is over; the client cancelled or the response ended")
}

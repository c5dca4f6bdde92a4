import NIOCore
import NIOHTTP1
import Synchronization

/// Writes one HTTP response to a connection: a whole response, or a head followed by a stream
/// of chunks (server-sent events). Adds the headers every response carries (request id, CORS,
/// connection) and remembers the status for the access log.
final class ResponseWriter: Sendable {
    private struct State {
        var status: HTTPResponseStatus?
        var finished = false
    }

    private let outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    private let version: HTTPVersion
    private let isHead: Bool
    private let common: [(String, String)]
    private let state = Mutex(State())
    /// Whether the connection stays open after this response.
    let keepAlive: Bool

    init(
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, version: HTTPVersion, isHead: Bool,
        keepAlive: Bool, common: [(String, String)]
    ) {
        self.outbound = outbound
        self.version = version
        self.isHead = isHead
        self.keepAlive = keepAlive
        self.common = common
    }

    /// The status sent, nil while nothing has been sent.
    var status: HTTPResponseStatus? { state.withLock { $0.status } }

    /// Whether the head went out (a streaming response can no longer change its status).
    var hasStarted: Bool { status != nil }

    /// A complete response with `body`.
    func send(_ status: HTTPResponseStatus, headers: [(String, String)], body: [UInt8]) async throws {
        var head = makeHead(status, headers)
        head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        guard markStarted(status) else { return }
        try await outbound.write(.head(head))
        if !body.isEmpty && !isHead {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
        }
        try await outbound.write(.end(nil))
        state.withLock { $0.finished = true }
    }

    /// Starts a response whose body follows in `chunk` calls (chunked transfer encoding).
    func startStream(_ status: HTTPResponseStatus, headers: [(String, String)]) async throws {
        let head = makeHead(status, headers)
        guard markStarted(status) else { return }
        try await outbound.write(.head(head))
    }

    /// One piece of a streamed body, sent at once.
    func chunk(_ bytes: [UInt8]) async throws {
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
    }

    /// Ends a streamed body.
    func endStream() async throws {
        guard state.withLock({ state in
            defer { state.finished = true }
            return !state.finished
        }) else { return }
        try await outbound.write(.end(nil))
    }

    private func markStarted(_ status: HTTPResponseStatus) -> Bool {
        state.withLock { state in
            guard state.status == nil else { return false }
            state.status = status
            return true
        }
    }

    private func makeHead(_ status: HTTPResponseStatus, _ headers: [(String, String)]) -> HTTPResponseHead {
        var fields = HTTPHeaders(common)
        for (name, value) in headers { fields.add(name: name, value: value) }
        if !keepAlive {
            fields.replaceOrAdd(name: "Connection", value: "close")
        } else if version.major == 1 && version.minor == 0 {
            fields.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
        return HTTPResponseHead(version: version, status: status, headers: fields)
    }
}

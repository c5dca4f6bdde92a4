import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A response as the test client read it.
struct TestResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    /// The `code` of a JSON error body.
    var errorCode: String? { json["code"] as? String }

    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// A minimal HTTP/1.1 client over one keep-alive connection, built from NIOHTTP1's client
/// codec: requests go out one at a time and responses (or their streamed parts) come back in order.
final class TestHTTPClient: @unchecked Sendable {
    // @unchecked: used by one test task at a time.
    private let channel: any Channel
    private var parts: AsyncStream<HTTPClientResponsePart>.AsyncIterator

    private init(channel: any Channel, parts: AsyncStream<HTTPClientResponsePart>) {
        self.channel = channel
        self.parts = parts.makeAsyncIterator()
    }

    static func connect(port: Int) async throws -> TestHTTPClient {
        let (stream, continuation) = AsyncStream<HTTPClientResponsePart>.makeStream()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(Collector(continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return TestHTTPClient(channel: channel, parts: stream)
    }

    /// Sends one request and reads its whole response.
    func send(
        _ method: HTTPMethod, _ uri: String, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws -> TestResponse {
        do {
            try await write(method, uri, headers: headers, body: body)
        } catch {
            // The server may answer (413) and close before the whole body is sent: read the answer.
        }
        guard let head = try await readHead() else { throw ClientError.closed }
        var body: [UInt8] = []
        while let chunk = try await readChunk() { body += chunk }
        return TestResponse(status: Int(head.status.code), headers: head.headers, body: body)
    }

    /// Sends one request without reading the answer.
    func write(_ method: HTTPMethod, _ uri: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws {
        var fields = HTTPHeaders([("Host", "localhost")] + headers)
        if let body, !fields.contains(name: "content-length") { fields.add(name: "Content-Length", value: String(body.count)) }
        try await channel.writeAndFlush(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: fields)))
        if let body, !body.isEmpty {
            try await channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))))
        }
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
    }

    /// The next response head; nil when the server closed the connection.
    func readHead() async throws -> HTTPResponseHead? {
        while let part = await parts.next() {
            if case .head(let head) = part { return head }
        }
        return nil
    }

    /// The next piece of the body; nil at its end.
    func readChunk() async throws -> [UInt8]? {
        guard let part = await parts.next() else { throw ClientError.closed }
        switch part {
        case .body(let buffer): return Array(buffer.readableBytesView)
        case .end: return nil
        case .head: throw ClientError.unexpectedHead
        }
    }

    /// Whether the server closed the connection (reads until it does).
    func waitForClose() async -> Bool {
        while await parts.next() != nil {}
        return true
    }

    func close() async {
        try? await channel.close()
    }

    enum ClientError: Error { case closed, unexpectedHead }

    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart
        let continuation: AsyncStream<HTTPClientResponsePart>.Continuation

        init(_ continuation: AsyncStream<HTTPClientResponsePart>.Continuation) { self.continuation = continuation }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            continuation.yield(unwrapInboundIn(data))
        }

        func channelInactive(context: ChannelHandlerContext) {
            continuation.finish()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            continuation.finish()
            context.close(promise: nil)
        }
    }
}

import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP answer of the edge, as the journey test reads it.
struct HTTPAnswer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON (`JSON(nil)` when it is not JSON).
    var json: JSON { JSON(try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) }

    /// The `code` of a JSON error body.
    var errorCode: String? { json["code"].string }

    /// The fields named by the error's `clinic.rpc.v1.BadRequest` details.
    var violatedFields: [String] {
        json["details"].array.flatMap { $0["fieldViolations"].array.compactMap { $0["field"].string } }
    }

    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// The edge of a running platform over HTTP/1.1: one connection per request, NIOHTTP1's client
/// codec (copied from Tests/EdgeTests' client; Foundation's URLSession on Linux handles 401
/// challenges and keep-alive its own way, which is not what is under test here).
struct EdgeHTTPClient: Sendable {
    let host: String
    let port: Int

    /// `method path` with an optional bearer token and a JSON (or any raw) body.
    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> HTTPAnswer {
        var headers = extra
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if json != nil { headers.append(("Content-Type", "application/json")) }
        let connection = try await Connection.open(host: host, port: port)
        defer { connection.close() }
        return try await connection.exchange(method, path, headers: headers, body: json.map { Array($0.utf8) })
    }

    /// `GET path?query` with each value percent-encoded (`+` and `&` included).
    func get(_ path: String, token: String? = nil, query: [(String, String)] = []) async throws -> HTTPAnswer {
        try await send(.GET, path + Self.queryString(query), token: token)
    }

    static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let pairs = query.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }
        return "?" + pairs.joined(separator: "&")
    }

    /// One TCP connection with the HTTP client handlers; parts of the answer arrive in a stream.
    private final class Connection: @unchecked Sendable {
        // @unchecked: used by one task, for one exchange.
        private let channel: any Channel
        private var parts: AsyncStream<HTTPClientResponsePart>.AsyncIterator

        private init(channel: any Channel, parts: AsyncStream<HTTPClientResponsePart>) {
            self.channel = channel
            self.parts = parts.makeAsyncIterator()
        }

        static func open(host: String, port: Int) async throws -> Connection {
            let (stream, continuation) = AsyncStream<HTTPClientResponsePart>.makeStream()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(Collector(continuation))
                    }
                }
                .connect(host: host, port: port).get()
            return Connection(channel: channel, parts: stream)
        }

        func exchange(_ method: HTTPMethod, _ uri: String, headers: [(String, String)], body: [UInt8]?) async throws
            -> HTTPAnswer
        {
            var fields = HTTPHeaders([("Host", "127.0.0.1")] + headers)
            fields.add(name: "Content-Length", value: String(body?.count ?? 0))
            let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: fields)
            try await channel.writeAndFlush(HTTPClientRequestPart.head(head))
            if let body, !body.isEmpty {
                try await channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))))
            }
            try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
            var answerHead: HTTPResponseHead?
            var answerBody: [UInt8] = []
            while let part = await parts.next() {
                switch part {
                case .head(let received): answerHead = received
                case .body(let buffer): answerBody += buffer.readableBytesView
                case .end:
                    guard let answerHead else { throw EdgeClientError("an answer without a head to \(method) \(uri)") }
                    return HTTPAnswer(status: Int(answerHead.status.code), headers: answerHead.headers, body: answerBody)
                }
            }
            throw EdgeClientError("the edge closed the connection before answering \(method) \(uri)")
        }

        func close() { channel.close(promise: nil) }
    }

    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        // @unchecked: touched only on its channel's event loop.
        typealias InboundIn = HTTPClientResponsePart
        let continuation: AsyncStream<HTTPClientResponsePart>.Continuation

        init(_ continuation: AsyncStream<HTTPClientResponsePart>.Continuation) { self.continuation = continuation }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) { continuation.yield(unwrapInboundIn(data)) }

        func channelInactive(context: ChannelHandlerContext) { continuation.finish() }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            continuation.finish()
            context.close(promise: nil)
        }
    }
}

/// The HTTP exchange itself failed (no answer to check).
struct EdgeClientError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

import Edge
import Foundation
import Logging
import NIOHTTP1
import RPCCore
import Synchronization

/// What the services behind the edge saw: every call their handlers ran, with its metadata and
/// request, so a test can assert that bad input never reached a handler.
final class CallLog: Sendable {
    struct Call: Sendable {
        var method: String
        var metadata: Metadata
        var request: any Sendable
    }

    private let calls = Mutex<[Call]>([])

    func record(_ method: String, _ context: ServerContext, _ request: any Sendable) {
        calls.withLock { $0.append(Call(method: method, metadata: context.requestMetadata, request: request)) }
    }

    var all: [Call] { calls.withLock { $0 } }
    var count: Int { calls.withLock { $0.count } }

    /// The request of the last call to `method`, as `T`.
    func last<T>(_ method: String, as type: T.Type = T.self) -> T? {
        calls.withLock { $0.last { $0.method == method }?.request as? T }
    }

    func lastMetadata(_ method: String) -> Metadata? {
        calls.withLock { $0.last { $0.method == method }?.metadata }
    }
}

/// Log lines the edge wrote, for checking what logs never contain.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }

    var logger: Logger {
        Logger(label: "edge-test") { _ in Handler(sink: self) }
    }

    struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        }
    }
}

/// A running edge on a loopback port in front of real service implementations served by an
/// `RPCServer` over the in-process transport (the network transport replaces it in `clinic up`).
struct EdgeFixture: Sendable {
    let port: Int
    let log: CallLog
    let logs: CapturedLogs
    let edge: EdgeServer

    func client() async throws -> TestHTTPClient { try await TestHTTPClient.connect(port: port) }

    /// One request on a fresh connection.
    func send(_ method: HTTPMethod, _ uri: String, headers: [(String, String)] = [], json: String? = nil) async throws -> TestResponse {
        let client = try await client()
        defer { Task { await client.close() } }
        var headers = headers
        if json != nil { headers.append(("Content-Type", "application/json")) }
        return try await client.send(method, uri, headers: headers, body: json.map { Array($0.utf8) })
    }
}

/// The edge configuration tests start from: loopback, a free port.
func testConfiguration(_ change: (inout EdgeConfiguration) -> Void = { _ in }) -> EdgeConfiguration {
    var configuration = EdgeConfiguration(host: "127.0.0.1", port: 0)
    change(&configuration)
    return configuration
}

/// Runs `body` against an edge serving `catalogs`, backed by `services`, then shuts both down.
func withEdge(
    services: (CallLog) -> [any RPCService] = standardServices,
    catalogs: [ServiceCatalog] = standardCatalogs,
    configuration: EdgeConfiguration = testConfiguration(),
    _ body: (EdgeFixture) async throws -> Void
) async throws {
    let log = CallLog()
    let logs = CapturedLogs()
    let transport = InProcessTransport()
    let rpcServer = RPCServer(
        services: services(log), transports: [transport.server],
        logger: Logger(label: "rpc-test") { _ in SwiftLogNoOpLogHandler() })
    let client = RPCClient(transport: transport.client)
    let edge = try EdgeServer(configuration: configuration, services: catalogs, logger: logs.logger) { _ in client }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await rpcServer.serve() }
        group.addTask { try await edge.run() }
        let fixture = EdgeFixture(port: try await edge.listeningPort(), log: log, logs: logs, edge: edge)
        do {
            try await body(fixture)
        } catch {
            group.cancelAll()
            throw error
        }
        edge.beginGracefulShutdown(gracePeriod: .milliseconds(200))
        rpcServer.beginGracefulShutdown(gracePeriod: .milliseconds(200))
        try await group.waitForAll()
    }
}

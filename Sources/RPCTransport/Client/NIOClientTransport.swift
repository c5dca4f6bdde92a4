public import ClinicTLS
public import Logging
public import NIOCore
public import NIOPosix
public import RPCCore

/// Calls one server address over TCP + TLS 1.3 (mutual, OpenSSL) + the framed protocol: one
/// connection, opened on the first call, reconnected with backoff when lost; all calls are
/// multiplexed on it.
///
/// ```swift
/// let transport = try NIOClientTransport(
///     host: "127.0.0.1", port: 7001,
///     tls: .identity("billing", in: "Certs/generated", role: .client, expectedPeer: .service("auth")))
/// let client = RPCClient(transport: transport)
/// ```
public final class NIOClientTransport: ClientTransport {
    private let pooled: PooledClientTransport

    /// `tls` must be a client configuration; set its `expectedPeer` to the service dialled.
    public init(
        host: String, port: Int, tls: TLSConfiguration, settings: RPCConnectionSettings = .default,
        backoff: ReconnectBackoff = .default, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "clinic.rpc.transport.client")
    ) throws {
        pooled = try PooledClientTransport(
            endpoints: StaticEndpointSource([Endpoint(host: host, port: port)]), tls: tls, settings: settings,
            backoff: backoff, group: group, logger: logger)
    }

    public func withStream<Result: Sendable>(
        _ start: RPCCallStart, _ body: (RPCClientStream) async throws -> Result
    ) async throws -> Result {
        try await pooled.withStream(start, body)
    }

    nonisolated(nonsending) public func unary(_ start: RPCCallStart, request: [UInt8]) async throws -> [RPCResponsePart] {
        try await pooled.unary(start, request: request)
    }

    public func beginGracefulShutdown() {
        pooled.beginGracefulShutdown()
    }

    public var enforcesDeadlines: Bool { pooled.enforcesDeadlines }
}

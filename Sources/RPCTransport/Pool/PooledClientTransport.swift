public import ClinicTLS
public import Logging
public import NIOCore
public import NIOPosix
public import RPCCore
internal import RPCWire

/// Calls a service with several instances: one connection per healthy endpoint from an
/// `EndpointSource`, round-robin over the connected ones, dead ones skipped while they
/// reconnect with backoff. Calls on a connection that is lost fail with `unavailable`, which
/// `RPCClient` retries (on the next endpoint) for idempotent methods.
///
/// ```swift
/// let transport = try PooledClientTransport(
///     endpoints: registry.endpoints(of: "clinic.auth.v1.AuthService"),   // any EndpointSource
///     tls: .identity("billing", in: "Certs/generated", role: .client, expectedPeer: .service("auth")))
/// let auth = Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: transport))
/// ```
public final class PooledClientTransport: ClientTransport {
    private let pool: ConnectionPool
    private let watcher: Task<Void, Never>

    /// `tls` must be a client configuration (its ALPN list is set to `clinic-rpc/1`); its
    /// `expectedPeer` is checked on every endpoint.
    public init(
        endpoints: some EndpointSource, tls: TLSConfiguration, settings: RPCConnectionSettings = .default,
        backoff: ReconnectBackoff = .default, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "clinic.rpc.transport.client")
    ) throws {
        guard tls.role == .client else {
            throw TLSError(.invalidConfiguration, "a client transport needs a TLS client configuration")
        }
        try settings.validate()
        var tls = tls
        tls.applicationProtocols = [WireProtocol.alpnIdentifier]
        let pool = ConnectionPool(
            context: try TLSContext(configuration: tls), settings: settings, backoff: backoff, group: group, logger: logger)
        self.pool = pool
        let updates = endpoints.endpointUpdates()
        watcher = Task {
            for await list in updates { pool.update(list) }
        }
    }

    /// Every wait (for a connection, for a free stream) and the call itself end at the call's
    /// deadline, by one event-loop timer per connection.
    public var enforcesDeadlines: Bool { true }

    public func withStream<Result: Sendable>(
        _ start: RPCCallStart, _ body: (RPCClientStream) async throws -> Result
    ) async throws -> Result {
        let connection = try await pool.connection(deadline: start.deadline)
        return try await run(start, on: connection, body)
    }

    /// One hop to the connection's loop and one back; a call the picked connection could not
    /// open (it began draining meanwhile) goes to the next ready one (a few times).
    nonisolated(nonsending) public func unary(_ start: RPCCallStart, request: [UInt8]) async throws -> [RPCResponsePart] {
        var connection = try await pool.connection(deadline: start.deadline)
        var attempts = 0
        while true {
            do {
                return try await connection.unary(start, request: request)
            } catch let refused as UnaryExchange.OpenRefused {
                guard refused.error.code == .unavailable, attempts < 3 else { throw refused.error }
                attempts += 1
                connection = try await pool.connection(deadline: start.deadline)
            }
        }
    }

    private func run<Result: Sendable>(
        _ start: RPCCallStart, on connection: ClientConnection, _ body: (RPCClientStream) async throws -> Result
    ) async throws -> Result {
        let handle = try await openStream(start, first: connection)
        defer { handle.release() }
        return try await withTaskCancellationHandler {
            try await body(handle.stream)
        } onCancel: {
            handle.cancel(RPCError(code: .cancelled, message: "the call was cancelled"))
        }
    }

    /// Opens the call on `first`, or on the next ready connection when that one began draining
    /// between the pick and the open (a few times).
    private func openStream(_ start: RPCCallStart, first: ClientConnection) async throws -> ClientStreamHandle {
        var attempts = 0
        var connection = first
        while true {
            do {
                return try await connection.openStream(start)
            } catch let error as RPCError where error.code == .unavailable && attempts < 3 {
                attempts += 1
                connection = try await pool.connection(deadline: start.deadline)
            }
        }
    }

    /// Stops opening calls; connections close once their calls have finished.
    public func beginGracefulShutdown() {
        watcher.cancel()
        pool.shutdown()
    }

    deinit {
        watcher.cancel()
    }
}

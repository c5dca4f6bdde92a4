public import ClinicTLS
public import Logging
public import NIOCore
public import NIOPosix
public import RPCCore
internal import RPCWire

/// Serves RPCs over TCP + TLS 1.3 (mutual, OpenSSL) + the framed protocol of docs/PROTOCOL.md.
///
/// ```swift
/// let transport = try await NIOServerTransport.bind(
///     host: "127.0.0.1", port: 0, tls: .identity("auth", in: "Certs/generated", role: .server))
/// print(transport.port)                       // the bound port (port 0 picks a free one)
/// let server = RPCServer(services: [AuthService(), HealthService()], transports: [transport])
/// try await server.serve()                    // beginGracefulShutdown() drains with GOAWAY
/// ```
///
/// Each call's handler runs in a task of its own whose executor preference is its connection's
/// event loop, so messages reach it and its responses reach the socket without thread hops.
/// The caller's certificate identity (`spiffe://clinic/<service>`) is `ServerContext.peer.identity`.
public final class NIOServerTransport: ServerTransport {
    /// The address the transport listens on.
    public let host: String
    /// The bound port (the one the system chose when `bind` was given port 0).
    public let port: Int
    private let serverChannel: any Channel
    private let tracker: ServerConnectionTracker

    private init(host: String, port: Int, serverChannel: any Channel, tracker: ServerConnectionTracker) {
        self.host = host
        self.port = port
        self.serverChannel = serverChannel
        self.tracker = tracker
    }

    /// Binds `host:port` (0 picks a free port); connections are accepted once `listen` runs.
    /// `tls` must be a server configuration; its ALPN list is set to `clinic-rpc/1`.
    public static func bind(
        host: String = "127.0.0.1", port: Int = 0, tls: TLSConfiguration, settings: RPCConnectionSettings = .default,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "clinic.rpc.transport.server")
    ) async throws -> NIOServerTransport {
        guard tls.role == .server else {
            throw TLSError(.invalidConfiguration, "NIOServerTransport needs a TLS server configuration")
        }
        try settings.validate()
        var tls = tls
        tls.applicationProtocols = [WireProtocol.alpnIdentifier]
        let context = try TLSContext(configuration: tls)
        let tracker = ServerConnectionTracker()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Nothing is accepted until listen() runs: connections wait in the kernel's backlog.
            .serverChannelOption(.autoRead, value: false)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard tracker.connectionOpened(channel) else {
                        channel.close(promise: nil)
                        return
                    }
                    try Self.addHandlers(to: channel, context: context, settings: settings, tracker: tracker, logger: logger)
                }
            }
            .bind(host: host, port: port).get()
        guard let bound = channel.localAddress?.port else {
            try? await channel.close()
            throw TLSError(.ioError, "the listening socket has no port")
        }
        return NIOServerTransport(host: host, port: bound, serverChannel: channel, tracker: tracker)
    }

    /// The pipeline of one accepted connection.
    static func addHandlers(
        to channel: any Channel, context: TLSContext, settings: RPCConnectionSettings,
        tracker: ServerConnectionTracker, logger: Logger
    ) throws {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(TLSHandler(context: context))
        try addFrameHandlers(to: channel, settings: settings, tracker: tracker, logger: logger)
    }

    /// The connection handler, which holds the frame layer (without TLS, for `EmbeddedChannel` tests).
    static func addFrameHandlers(
        to channel: any Channel, settings: RPCConnectionSettings, tracker: ServerConnectionTracker, logger: Logger
    ) throws {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(ServerConnectionHandler(settings: settings, tracker: tracker, logger: logger))
    }

    public func listen(_ handler: @escaping RPCStreamHandler) async throws {
        tracker.setHandler(handler)
        // Turning autoRead on starts accepting.
        try await serverChannel.setOption(.autoRead, value: true).get()
        await withTaskCancellationHandler {
            await tracker.waitUntilDone()
        } onCancel: {
            serverChannel.close(promise: nil)
            for channel in tracker.stopAccepting() { channel.close(promise: nil) }
        }
    }

    /// Stops accepting and drains every connection: GOAWAY, then each closes when its last call
    /// has finished (or its drain timeout passes).
    public func beginGracefulShutdown() {
        serverChannel.close(promise: nil)
        for channel in tracker.stopAccepting() {
            channel.pipeline.fireUserInboundEventTriggered(GracefulDrainEvent())
        }
    }
}

import ClinicAPI
public import Logging
public import NIOCore
import NIOHTTP1
import NIOPosix
public import RPCCore
import Synchronization

/// The JSON edge: HTTP/1.1 with keep-alive in front of the platform's RPC services.
///
/// Every method of the given catalogs is reachable as `POST /rpc/<package.Service>/<Method>`, and
/// at its resource route when the `.proto` declares one; `GET /openapi.json` describes them; the
/// web UI is served from `staticRoot`. Routes are compiled once here, from the descriptors.
///
/// ```swift
/// let edge = try EdgeServer(configuration: EdgeConfiguration(port: 8080)) { service in
///     RPCClient(transport: clientTransport(for: service))
/// }
/// try await edge.run()   // until edge.beginGracefulShutdown()
/// ```
public final class EdgeServer: Sendable {
    private let configuration: EdgeConfiguration
    private let handler: EdgeHandler
    private let group: any EventLoopGroup
    private let registry = ConnectionRegistry()
    private let bound = OneShot<Result<Int, any Error>>()
    private let shutdown = OneShot<Duration>()

    /// The services served by default: every generated service except the interop test ones
    /// (`clinic.testing.v1`), which only the interop test server hosts.
    public static var defaultServices: [ServiceCatalog] {
        ClinicAPICatalog.services.filter { !$0.descriptor.fullName.hasPrefix("clinic.testing.") }
    }

    /// An edge for `services`, calling each through the caller `callers` returns for it (asked
    /// once per service, here), on `eventLoopGroup` (NIO's shared one by default); throws `EdgeSetupError` when a route in the options is malformed.
    public init(
        configuration: EdgeConfiguration = EdgeConfiguration(),
        services: [ServiceCatalog] = EdgeServer.defaultServices,
        eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "clinic.edge"),
        callers: @Sendable (ServiceDescriptor) -> any RPCCaller
    ) throws {
        self.configuration = configuration
        self.group = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        let compiled = try RouteCompiler.compile(services: services, configuration: configuration, callers: callers)
        let translator = MessageTranslator(
            types: compiled.messageTypes, emitDefaultValues: configuration.emitDefaultValues,
            maxBodyBytes: configuration.maxStreamingBodyBytes)
        handler = EdgeHandler(
            routes: compiled.routes,
            binder: RequestBinder(translator: translator),
            translator: translator,
            cors: CORSPolicy(
                allowedOrigins: configuration.corsAllowedOrigins,
                maxAgeSeconds: Int(configuration.corsMaxAge.components.seconds)),
            limiter: RateLimiter(RateLimiterState(burst: configuration.loginBurst, interval: configuration.loginRefillInterval)),
            staticFiles: configuration.staticRoot.map { StaticFiles(root: $0) },
            openAPI: OpenAPIDocument(routes: compiled.routes),
            configuration: configuration,
            logger: logger)
    }

    /// The OpenAPI 3.1 document served at `/openapi.json`.
    public var openAPIDocument: [UInt8] { handler.openAPI.bytes }

    /// Listens and serves until `beginGracefulShutdown` (or until the calling task is
    /// cancelled); returns once every connection has closed.
    public func run() async throws {
        let server: NIOAsyncChannel<HTTPConnection.Channel, Never>
        do {
            server = try await bind()
        } catch {
            bound.fire(.failure(error))
            throw error
        }
        bound.fire(.success(server.channel.localAddress?.port ?? configuration.port))
        handler.logger.info("edge listening", metadata: ["port": "\(server.channel.localAddress?.port ?? 0)"])
        let registry = self.registry
        let shutdown = self.shutdown
        let watchdog = Task {
            guard let grace = try? await shutdown.wait() else { return }
            registry.drain()
            server.channel.close(promise: nil)
            guard (try? await Task.sleep(for: grace)) != nil else { return }
            registry.closeAll()
        }
        defer { watchdog.cancel() }
        let handler = self.handler
        do {
            try await withTaskCancellationHandler {
                try await server.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in connections {
                            group.addTask { await HTTPConnection.serve(connection, handler: handler, registry: registry) }
                        }
                    }
                }
            } onCancel: {
                server.channel.close(promise: nil)
                registry.closeAll()
            }
        } catch {
            await registry.finishUnserved()
            throw error
        }
        await registry.finishUnserved()
        handler.logger.info("edge stopped")
    }

    /// The port the edge listens on, once `run()` has bound it (the chosen one for port 0).
    public func listeningPort() async throws -> Int {
        try await bound.wait().get()
    }

    /// Stops accepting connections and closes idle ones; requests in flight (event streams
    /// included) get `gracePeriod` to finish, then their connections are closed.
    public func beginGracefulShutdown(gracePeriod: Duration = .seconds(10)) {
        shutdown.fire(gracePeriod)
    }

    private func bind() async throws -> NIOAsyncChannel<HTTPConnection.Channel, Never> {
        let configureTLS = configuration.configureTLS
        let registry = self.registry
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configureTLS?(channel)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    let connection = try HTTPConnection.Channel(wrappingChannelSynchronously: channel)
                    registry.adopt(connection)
                    return connection
                }
            }
    }
}

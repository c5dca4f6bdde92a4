internal import BenchEcho
internal import ClinicTLS
internal import RPCCore
internal import RPCTransport
internal import NIOCore
internal import NIOPosix

/// The echo service on our runtime: returns the request.
struct ClinicEchoService: Perf_Echo.ServiceProtocol {
    func get(request: Perf_EchoMessage, context: ServerContext) async throws -> Perf_EchoMessage { request }
}

/// Our runtime: `RPCServer` on `NIOServerTransport`, the generated client over `RPCClient` and
/// `NIOClientTransport`, OpenSSL TLS 1.3 with mutual authentication, one connection.
final class ClinicStack: EchoStack {
    let name = "clinic RPC (ours)"
    private let server: RPCServer
    private let serving: Task<Void, any Error>
    private let transport: NIOClientTransport
    private let client: Perf_Echo.Client
    private let messages: [Int: Perf_EchoMessage]
    private let options: CallOptions
    /// Where sequential calls are made from (`--caller-loop`, `--split-loops`); nil: the global executor.
    private let callerExecutor: EventLoopTaskExecutor?
    /// The one-loop groups of `--split-loops` and `--own-loops` (shut down with the stack).
    private let ownGroups: [MultiThreadedEventLoopGroup]

    private init(
        server: RPCServer, serving: Task<Void, any Error>, transport: NIOClientTransport, messages: [Int: Perf_EchoMessage],
        timeout: Duration?, callerExecutor: EventLoopTaskExecutor?, ownGroups: [MultiThreadedEventLoopGroup]
    ) {
        self.server = server
        self.serving = serving
        self.transport = transport
        self.client = Perf_Echo.Client(caller: RPCClient(transport: transport))
        self.messages = messages
        self.options = CallOptions(timeout: timeout)
        self.callerExecutor = callerExecutor
        self.ownGroups = ownGroups
    }

    static func start(
        pki: BenchmarkPKI, sizes: [Int], timeout: Duration?, callerLoop: Int? = nil, splitLoops: Bool = false,
        ownLoops: Bool = false
    ) async throws -> ClinicStack {
        let ownGroups = splitLoops || ownLoops ? [MultiThreadedEventLoopGroup(numberOfThreads: 1), MultiThreadedEventLoopGroup(numberOfThreads: 1)] : []
        let serverGroup: any EventLoopGroup = ownGroups.first ?? MultiThreadedEventLoopGroup.singleton
        let clientGroup: any EventLoopGroup = ownGroups.last ?? MultiThreadedEventLoopGroup.singleton
        var callerExecutor = callerLoop.map { index in
            EventLoopTaskExecutor.shared(for: Array(MultiThreadedEventLoopGroup.singleton.makeIterator())[index])
        }
        if splitLoops { callerExecutor = EventLoopTaskExecutor.shared(for: clientGroup.next()) }
        let listener = try await NIOServerTransport.bind(
            host: "127.0.0.1", port: 0, tls: .identity("interop", in: pki.directory, role: .server), group: serverGroup)
        let server = RPCServer(services: [ClinicEchoService()], transports: [listener])
        let serving = Task { try await server.serve() }
        let transport = try NIOClientTransport(
            host: "127.0.0.1", port: listener.port,
            tls: .identity("cli", in: pki.directory, role: .client, expectedPeer: .service("interop")), group: clientGroup)
        var messages: [Int: Perf_EchoMessage] = [:]
        for size in sizes {
            var message = Perf_EchoMessage()
            message.text = "hello"
            message.payload = [UInt8](repeating: 0x78, count: size)
            messages[size] = message
        }
        return ClinicStack(
            server: server, serving: serving, transport: transport, messages: messages, timeout: timeout,
            callerExecutor: callerExecutor, ownGroups: ownGroups)
    }

    /// The encoded size of the echo message with a `size`-byte payload.
    static func encodedSize(payload size: Int) throws -> Int {
        var message = Perf_EchoMessage()
        message.text = "hello"
        message.payload = [UInt8](repeating: 0x78, count: size)
        return try message.serializedBytes().count
    }

    func call(size: Int) async throws {
        // Force-unwrap: the sizes are the ones the stack was started with.
        let reply = try await client.get(messages[size]!, options: options)
        guard reply.payload.count == size else { throw BenchmarkError("clinic: a reply of \(reply.payload.count) bytes") }
    }

    func sequential(size: Int, count: Int) async throws -> [UInt64] {
        guard let callerExecutor else { return try await timedCalls(size: size, count: count) }
        return try await withTaskExecutorPreference(callerExecutor) { try await timedCalls(size: size, count: count) }
    }

    func shutdown() async {
        transport.beginGracefulShutdown()
        server.beginGracefulShutdown(gracePeriod: .seconds(1))
        _ = try? await serving.value
        for group in ownGroups { try? await group.shutdownGracefully() }
    }
}

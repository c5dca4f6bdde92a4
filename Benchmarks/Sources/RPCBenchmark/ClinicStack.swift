internal import BenchEcho
internal import ClinicTLS
internal import RPCCore
internal import RPCTransport

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

    private init(
        server: RPCServer, serving: Task<Void, any Error>, transport: NIOClientTransport, messages: [Int: Perf_EchoMessage],
        timeout: Duration?
    ) {
        self.server = server
        self.serving = serving
        self.transport = transport
        self.client = Perf_Echo.Client(caller: RPCClient(transport: transport))
        self.messages = messages
        self.options = CallOptions(timeout: timeout)
    }

    static func start(pki: BenchmarkPKI, sizes: [Int], timeout: Duration?) async throws -> ClinicStack {
        let listener = try await NIOServerTransport.bind(
            host: "127.0.0.1", port: 0, tls: .identity("interop", in: pki.directory, role: .server))
        let server = RPCServer(services: [ClinicEchoService()], transports: [listener])
        let serving = Task { try await server.serve() }
        let transport = try NIOClientTransport(
            host: "127.0.0.1", port: listener.port,
            tls: .identity("cli", in: pki.directory, role: .client, expectedPeer: .service("interop")))
        var messages: [Int: Perf_EchoMessage] = [:]
        for size in sizes {
            var message = Perf_EchoMessage()
            message.text = "hello"
            message.payload = [UInt8](repeating: 0x78, count: size)
            messages[size] = message
        }
        return ClinicStack(server: server, serving: serving, transport: transport, messages: messages, timeout: timeout)
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

    func shutdown() async {
        transport.beginGracefulShutdown()
        server.beginGracefulShutdown(gracePeriod: .seconds(1))
        _ = try? await serving.value
    }
}

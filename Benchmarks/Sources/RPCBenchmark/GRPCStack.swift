internal import GRPCCore
internal import GRPCEcho
internal import GRPCNIOTransportHTTP2
internal import GRPCProtobuf
internal import NIOPosix

/// The echo service on grpc-swift-2: returns the request.
struct GRPCEchoService: Perf_Echo.SimpleServiceProtocol {
    func get(request: Perf_EchoMessage, context: ServerContext) async throws -> Perf_EchoMessage { request }
}

/// grpc-swift-2 2.4.3 with grpc-swift-nio-transport 2.9.2: HTTP/2 over NIOSSL (BoringSSL)
/// TLS 1.3 with mutual authentication, one connection, generated code from grpc-swift-protobuf.
final class GRPCStack: EchoStack {
    let name = "grpc-swift-2"
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let serving: Task<Void, any Error>
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let connections: Task<Void, any Error>
    private let echo: Perf_Echo.Client<HTTP2ClientTransport.Posix>
    private let messages: [Int: Perf_EchoMessage]
    private let options: CallOptions
    /// The one-loop groups of `--own-loops` (shut down with the stack).
    private let ownGroups: [MultiThreadedEventLoopGroup]

    private init(
        server: GRPCServer<HTTP2ServerTransport.Posix>, serving: Task<Void, any Error>,
        client: GRPCClient<HTTP2ClientTransport.Posix>, connections: Task<Void, any Error>,
        messages: [Int: Perf_EchoMessage], timeout: Duration?, ownGroups: [MultiThreadedEventLoopGroup]
    ) {
        self.ownGroups = ownGroups
        self.server = server
        self.serving = serving
        self.client = client
        self.connections = connections
        self.echo = Perf_Echo.Client(wrapping: client)
        self.messages = messages
        var options = CallOptions.defaults
        options.timeout = timeout
        self.options = options
    }

    /// `ownLoops`: server and client each on a one-thread group, as ours under `--own-loops`.
    static func start(pki: BenchmarkPKI, sizes: [Int], timeout: Duration?, ownLoops: Bool = false) async throws -> GRPCStack {
        let ownGroups = ownLoops ? [MultiThreadedEventLoopGroup(numberOfThreads: 1), MultiThreadedEventLoopGroup(numberOfThreads: 1)] : []
        let ca: [TLSConfig.CertificateSource] = [.file(path: pki.file("ca.pem"), format: .pem)]
        let serverTransport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: 0),
            transportSecurity: .mTLS(
                certificateChain: [.file(path: pki.file("interop.pem"), format: .pem)],
                privateKey: .file(path: pki.file("interop.key"), format: .pem)
            ) { tls in
                tls.trustRoots = .certificates(ca)
                tls.clientCertificateVerification = .noHostnameVerification
            }, eventLoopGroup: ownGroups.first ?? .singletonMultiThreadedEventLoopGroup)
        let server = GRPCServer(transport: serverTransport, services: [GRPCEchoService()])
        let serving = Task { try await server.serve() }
        guard let address = try await serverTransport.listeningAddress.ipv4 else {
            throw BenchmarkError("grpc: the server has no IPv4 address")
        }
        let clientTransport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: address.port),
            transportSecurity: .mTLS(
                certificateChain: [.file(path: pki.file("cli.pem"), format: .pem)],
                privateKey: .file(path: pki.file("cli.key"), format: .pem)
            ) { tls in
                tls.trustRoots = .certificates(ca)
                tls.serverCertificateVerification = .fullVerification
            }, eventLoopGroup: ownGroups.last ?? .singletonMultiThreadedEventLoopGroup)
        let client = GRPCClient(transport: clientTransport)
        let connections = Task { try await client.runConnections() }
        var messages: [Int: Perf_EchoMessage] = [:]
        for size in sizes {
            var message = Perf_EchoMessage()
            message.text = "hello"
            message.payload = .init(repeating: 0x78, count: size)
            messages[size] = message
        }
        return GRPCStack(
            server: server, serving: serving, client: client, connections: connections, messages: messages, timeout: timeout,
            ownGroups: ownGroups)
    }

    func call(size: Int) async throws {
        // Force-unwrap: the sizes are the ones the stack was started with.
        let reply = try await echo.get(messages[size]!, options: options)
        guard reply.payload.count == size else { throw BenchmarkError("grpc: a reply of \(reply.payload.count) bytes") }
    }

    func shutdown() async {
        client.beginGracefulShutdown()
        server.beginGracefulShutdown()
        _ = try? await connections.value
        _ = try? await serving.value
        for group in ownGroups { try? await group.shutdownGracefully() }
    }
}

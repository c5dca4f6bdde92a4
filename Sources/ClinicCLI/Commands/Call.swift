import ArgumentParser
import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore
import RPCTransport
import ServiceHost

/// `clinic call <package.Service/Method> '<json>'`: any RPC from the shell, like grpcurl.
struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Call an RPC with a JSON request; prints the JSON response.",
        discussion: """
            The method is found in the generated catalog; the request and response use the proto3 JSON \
            mapping. The call goes over mTLS with the `cli` certificate to an instance the registry \
            names (from `<data>/run/up.json` of a running `clinic up`, or --registry), or to --address. \
            Server-streaming methods print one JSON line per message.
            """)

    @Argument(help: "The method, e.g. clinic.auth.v1.AuthService/Login.")
    var method: String

    @Argument(help: "The request as JSON (default: {}); `-` reads it from standard input.")
    var json = "{}"

    @Option(help: "Access token, sent as `authorization: Bearer …` (or set CLINIC_TOKEN).")
    var token: String?

    @Option(help: "The data folder of the running platform (to find its registry).")
    var data = "./data"

    @Option(help: "The registry's host:port (default: from the running platform).")
    var registry: String?

    @Option(help: "Call this host:port directly instead of resolving through the registry.")
    var address: String?

    @Option(help: "With --address: the service identity the server's certificate must carry (default: the method's service, e.g. auth).")
    var peer: String?

    @Option(help: "The certificates folder (default: the running platform's).")
    var certs: String?

    @Option(help: "Timeout in seconds.")
    var timeout = 30

    func run() async throws {
        let (service, entry) = try Self.lookUp(method)
        let running = RunState.read(data: Paths.absolute(data))
        let certificates = try certs.map(Paths.absolute) ?? running?.certificates ?? Paths.defaultCertificates()
        let identity = ServiceIdentity(name: "cli", certificatesDirectory: certificates)
        try identity.checkFiles()
        let owner = peer ?? ServiceOwner.of(service.descriptor) ?? "registry"
        let transport: any ClientTransport
        var registryClient: RegistryClient?
        if let address {
            guard let endpoint = Endpoint(parsing: address) else { throw ValidationError("--address must be host:port") }
            transport = try NIOClientTransport(host: endpoint.host, port: endpoint.port, tls: identity.client(calling: owner))
        } else {
            guard let endpoint = (registry ?? running?.registry).flatMap(Endpoint.init(parsing:)) else {
                throw CLIError("no running platform on \(data): start `clinic up`, or pass --registry or --address")
            }
            let client = try RegistryClient(endpoint: endpoint, identity: identity)
            registryClient = client
            transport = try PooledClientTransport(
                endpoints: client.endpoints(of: service.descriptor.fullName), tls: identity.client(calling: owner))
        }
        defer {
            transport.beginGracefulShutdown()
            registryClient?.shutdown()
        }
        var options = CallOptions(timeout: .seconds(timeout))
        if let token = token ?? ProcessInfo.processInfo.environment["CLINIC_TOKEN"] {
            options.metadata.add("authorization", "Bearer \(token)")
        }
        let body = json == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : json
        do {
            try await Self.invoke(entry.input, entry.output, entry: entry, json: body, caller: RPCClient(transport: transport), options: options)
        } catch let error as RPCError {
            Console.error("error: \(error.code): \(error.message)")
            throw ExitCode(Int32(clamping: 64 + error.code.rawValue))
        }
    }

    /// The service and method named `package.Service/Method`.
    static func lookUp(_ name: String) throws -> (ServiceCatalog, MethodCatalogEntry) {
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw ValidationError("the method is package.Service/Method") }
        guard let service = ClinicAPICatalog.services.first(where: { $0.descriptor.fullName == parts[0] }) else {
            throw ValidationError("unknown service \(parts[0])")
        }
        guard let entry = service.methods.first(where: { $0.descriptor.method == parts[1] }) else {
            let known = service.methods.map(\.descriptor.method).joined(separator: ", ")
            throw ValidationError("\(parts[0]) has no method \(parts[1]) (it has \(known))")
        }
        return (service, entry)
    }

    /// Decodes the request, makes the call in the method's shape and prints the response(s).
    static func invoke<Input: ProtoMessage, Output: ProtoMessage>(
        _ input: Input.Type, _ output: Output.Type, entry: MethodCatalogEntry, json: String, caller: RPCClient,
        options: CallOptions
    ) async throws {
        let request: Input
        do {
            request = try Input(jsonString: json)
        } catch {
            throw CLIError("the request is not a valid \(Input.self) in JSON: \(error)")
        }
        switch entry.descriptor.kind {
        case .unary:
            let response: Output = try await caller.unary(request: request, method: entry.descriptor, options: options)
            Console.out(try response.jsonString())
        case .serverStreaming:
            try await caller.serverStreaming(request: request, method: entry.descriptor, options: options) {
                (responses: RPCAsyncSequence<Output>) in
                for try await response in responses { Console.out(try response.jsonString()) }
            }
        default:
            throw CLIError("\(entry.descriptor) streams requests; call it from code, not the shell")
        }
    }
}

import ArgumentParser
import Foundation
import RPCTransport
import ServiceHost

/// `clinic status`: the instances the registry of a running platform knows.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the registered service instances.")

    @Option(help: "The data folder of the running platform.")
    var data = "./data"

    @Option(help: "The registry's host:port (default: from the running platform).")
    var registry: String?

    func run() async throws {
        let running = RunState.read(data: Paths.absolute(data))
        guard let endpoint = (registry ?? running?.registry).flatMap(Endpoint.init(parsing:)) else {
            throw CLIError("no running platform on \(data): start `clinic up`, or pass --registry")
        }
        let certificates = try running?.certificates ?? Paths.defaultCertificates()
        let client = try RegistryClient(endpoint: endpoint, identity: ServiceIdentity(name: "cli", certificatesDirectory: certificates))
        defer { client.shutdown() }
        for instance in try await client.listInstances() {
            Console.out("\(instance.instanceId)\t\(instance.serviceName)\t\(instance.host):\(instance.port)\t\(instance.state)")
        }
        if let running { Console.out("edge\t\(running.http)") }
    }
}

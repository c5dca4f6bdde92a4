import Foundation
import Logging
import RPCTransport
import ServiceHost
import ServiceLifecycle

/// What `clinic up` was asked for.
struct PlatformPlan: Sendable {
    var data: String
    var certificates: String
    var host: String
    var httpHost: String
    var httpPort: Int
    var replicas: Int
    var leaseTTL: Int
    var demo: Bool
}

/// `clinic up`'s supervisor: starts the registry, every service (`replicas` instances each) and
/// the edge as child processes, waits until all are healthy and registered, seeds demo data on
/// an empty data folder, prints `ready: <url>`, restarts crashed children with backoff, and on
/// graceful shutdown stops the edge, then the services, then the registry.
final class Supervisor: Service {
    private let plan: PlatformPlan
    private let identity: ServiceIdentity
    private let logger: Logger

    init(plan: PlatformPlan, logger: Logger) {
        self.plan = plan
        self.identity = ServiceIdentity(name: "cli", certificatesDirectory: plan.certificates)
        self.logger = logger
    }

    func run() async throws {
        let shutdown = Latch<Void>()
        let fresh = !FileManager.default.fileExists(atPath: "\(plan.data)/auth")
        var stages: [[Slot]] = []
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var failure: (any Error)?
                do {
                    // Each stage is recorded before it starts, so a failed start still stops it.
                    let registrySlots = [slot(.registry, 1, registry: nil)]
                    stages.append(registrySlots)
                    let registry = try await Self.launch(registrySlots, in: &group, shutdown: shutdown)
                    guard let registryEndpoint = Slot.endpoint(of: registry[0]) else {
                        throw CLIError("the registry reported an address that is not host:port: \(registry[0])")
                    }
                    let services = ServiceKind.startOrder.filter { $0.isRPCService && $0 != .registry }.flatMap { kind in
                        (1...(kind.isReplicated ? plan.replicas : 1)).map { slot(kind, $0, registry: registryEndpoint) }
                    }
                    stages.append(services)
                    _ = try await Self.launch(services, in: &group, shutdown: shutdown)
                    let edgeSlots = [slot(.edge, 1, registry: registryEndpoint)]
                    stages.append(edgeSlots)
                    let edge = try await Self.launch(edgeSlots, in: &group, shutdown: shutdown)
                    let registryClient = try RegistryClient(endpoint: registryEndpoint, identity: identity, logger: logger)
                    defer { registryClient.shutdown() }
                    try await Probes.waitUntilRegistered(Set(services.map(\.instanceID)), registry: registryClient)
                    let host = plan.httpHost == "0.0.0.0" ? "127.0.0.1" : plan.httpHost
                    let url = "http://\(host):\(Slot.port(of: edge[0]) ?? plan.httpPort)"
                    try RunState(registry: "\(registryEndpoint)", http: url, certificates: plan.certificates, pid: getpid())
                        .write(data: plan.data)
                    if fresh, plan.demo {
                        await DemoSeed.seed(data: plan.data, registry: registryEndpoint, identity: identity, logger: logger)
                    }
                    if shutdown.value == nil { Console.out("ready: \(url)") }
                    _ = await shutdown.wait()
                } catch is Interrupted {
                    // A shutdown signal during start-up: stop what started.
                } catch {
                    Console.error("clinic up: \(error)")
                    failure = error
                }
                // Stop in reverse order of start: the edge, the services, the registry.
                for stage in stages.reversed() {
                    await withTaskGroup(of: Void.self) { stopping in
                        for slot in stage { stopping.addTask { await slot.stop() } }
                    }
                }
                RunState.remove(data: plan.data)
                try await group.waitForAll()
                if let failure { throw failure }
            }
        } onGracefulShutdown: {
            shutdown.set(())
        }
        logger.info("stopped")
    }

    /// Starts `slots` in `group` and waits until each is healthy; their addresses. A method, not
    /// a local function inside the task group's closure: Swift 6.3's release optimizer crashed
    /// (LLVM coroutine splitting) on that local async function.
    private static func launch(
        _ slots: [Slot], in group: inout ThrowingTaskGroup<Void, any Error>, shutdown: Latch<Void>
    ) async throws -> [String] {
        for slot in slots { group.addTask { await slot.supervise() } }
        var addresses: [String] = []
        for slot in slots {
            switch await first(slot.firstReady, or: shutdown) {
            case .success(let address)?: addresses.append(address)
            case .failure(let error)?: throw error
            case nil: throw Interrupted()
            }
        }
        return addresses
    }

    /// The slot of instance `index` of `kind`.
    private func slot(_ kind: ServiceKind, _ index: Int, registry: Endpoint?) -> Slot {
        let plan = self.plan
        let instanceID = "\(kind.rawValue)-\(index)"
        return Slot(kind: kind, instanceID: instanceID, identity: identity) { previousPort in
            var arguments = [
                "--data", plan.data, "--certs", plan.certificates, "--instance-id", instanceID,
                "--host", kind == .edge ? plan.httpHost : plan.host,
                "--lease-ttl", "\(plan.leaseTTL)", "--supervised",
            ]
            if let registry { arguments += ["--registry", "\(registry)"] }
            switch kind {
            case .edge: arguments += ["--http-port", "\(plan.httpPort)"]
            // The registry comes back on its port: every instance was told that address.
            case .registry: arguments += ["--port", "\(previousPort ?? 0)"]
            default: break
            }
            return arguments
        }
    }

    /// The value of `latch`, or nil when `shutdown` comes first.
    private static func first<T: Sendable>(_ latch: Latch<T>, or shutdown: Latch<Void>) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { await latch.wait() }
            group.addTask {
                _ = await shutdown.wait()
                return nil
            }
            defer { group.cancelAll() }
            return await group.next() ?? nil
        }
    }
}

/// Start-up was interrupted by a shutdown signal.
private struct Interrupted: Error {}

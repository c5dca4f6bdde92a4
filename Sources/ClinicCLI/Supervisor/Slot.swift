import Foundation
import RPCTransport
import ServiceHost
import Synchronization

/// One supervised instance of `clinic up` (e.g. `auth-2`): starts `clinic serve` for it, waits
/// for it to listen and report healthy, and restarts it with backoff whenever it exits while the
/// platform is not stopping.
final class Slot: Sendable {
    private struct State {
        var child: ChildProcess?
        var stopping = false
        var starts = 0
    }

    /// What runs in the slot.
    let kind: ServiceKind
    /// Its registry id.
    let instanceID: String
    /// Set once: where it listens after its first healthy start, or why it never got there.
    let firstReady = Latch<Result<String, CLIError>>()
    private let arguments: @Sendable (_ previousPort: Int?) -> [String]
    private let identity: ServiceIdentity
    private let state = Mutex(State())

    /// A slot running `clinic serve` with `arguments` (given the port of its previous run, which
    /// the registry keeps so that everyone's `--registry` stays right).
    init(kind: ServiceKind, instanceID: String, identity: ServiceIdentity, arguments: @escaping @Sendable (Int?) -> [String]) {
        self.kind = kind
        self.instanceID = instanceID
        self.identity = identity
        self.arguments = arguments
    }

    /// The running child's pid.
    var pid: Int32? { state.withLock { $0.child?.pid } }

    /// Runs the instance until `stop()`.
    func supervise() async {
        var backoff = RestartBackoff()
        var port: Int?
        while !state.withLock({ $0.stopping }) {
            let started = ContinuousClock.now
            let child: ChildProcess
            do {
                child = try ChildProcess(executable: Paths.executable(), arguments: ["serve", kind.rawValue] + arguments(port))
            } catch {
                firstReady.set(.failure(CLIError("cannot start \(instanceID): \(error)")))
                return
            }
            let (stopping, starts) = state.withLock { state in
                state.child = child
                state.starts += 1
                return (state.stopping, state.starts)
            }
            if stopping { child.signal(SIGTERM) }
            if let address = await child.firstLine(prefixed: "listening:") {
                port = Self.port(of: address)
                if await healthy(address, child: child) {
                    Console.out("\(starts == 1 ? "started" : "restarted"): \(instanceID) pid=\(child.pid) \(address)")
                    firstReady.set(.success(address))
                } else if !state.withLock({ $0.stopping }) {
                    // Alive but never healthy: treat it as a crash (restart with backoff).
                    child.signal(SIGKILL)
                }
            }
            let how = await child.waitForExit(killAfter: .seconds(365 * 24 * 3600))
            if state.withLock({ $0.stopping }) { break }
            let delay = backoff.crashed(afterRunning: ContinuousClock.now - started)
            Console.out("exited: \(instanceID) pid=\(child.pid) \(how); restarting in \(delay)")
            if firstReady.value == nil, backoff.crashes >= 3 {
                firstReady.set(.failure(CLIError("\(instanceID) exited \(backoff.crashes) times before becoming healthy (\(how))")))
            }
            try? await Task.sleep(for: delay)
        }
    }

    /// Stops the instance gracefully (SIGTERM; SIGKILL after `timeout`) and ends supervision.
    func stop(timeout: Duration = .seconds(20)) async {
        let child = state.withLock { state in
            state.stopping = true
            return state.child
        }
        guard let child else { return }
        child.signal(SIGTERM)
        await child.waitForExit(killAfter: timeout)
    }

    private func healthy(_ address: String, child: ChildProcess) async -> Bool {
        let probe = Task { () -> Bool in
            if kind == .edge {
                guard let endpoint = Self.endpoint(of: address) else { return false }
                return (try? await Probes.waitUntilHTTPHealthy(host: endpoint.host, port: endpoint.port)) != nil
            }
            guard let endpoint = Self.endpoint(of: address) else { return false }
            return (try? await Probes.waitUntilServing(endpoint, owner: kind.identity, identity: identity)) != nil
        }
        // A child that dies while being probed ends the probe.
        let watcher = Task {
            _ = await child.exit.wait()
            probe.cancel()
        }
        defer { watcher.cancel() }
        return await probe.value
    }

    /// `rpc://127.0.0.1:4000` → 127.0.0.1:4000.
    static func endpoint(of address: String) -> Endpoint? {
        guard let range = address.range(of: "://") else { return Endpoint(parsing: address) }
        return Endpoint(parsing: String(address[range.upperBound...]))
    }

    static func port(of address: String) -> Int? { endpoint(of: address)?.port }
}

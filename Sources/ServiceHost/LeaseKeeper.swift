package import ClinicAPI
package import Logging
import RPCCore
import Synchronization
import WellKnownTypes

/// Keeps one instance registered: registers (retrying with backoff until the registry answers),
/// heartbeats at a third of the lease, registers again at once when the registry says the lease
/// is unknown (it expired, or the registry restarted), and deregisters on shutdown.
package final class LeaseKeeper: Sendable {
    private struct State {
        var leaseID: String?
        var ttl: Duration
        var stopped = false
    }

    private let registry: Clinic_Registry_V1_RegistryService.Client
    private let instance: Clinic_Registry_V1_ServiceInstance
    private let requestedTTL: Duration
    private let servingState: @Sendable () -> Clinic_Registry_V1_ServingState
    private let logger: Logger
    private let state: Mutex<State>

    /// A keeper of `instance` with a lease of `ttl`; `servingState` is reported with each heartbeat.
    package init(
        registry: Clinic_Registry_V1_RegistryService.Client, instance: Clinic_Registry_V1_ServiceInstance,
        ttl: Duration, servingState: @escaping @Sendable () -> Clinic_Registry_V1_ServingState = { .serving },
        logger: Logger
    ) {
        self.registry = registry
        self.instance = instance
        self.requestedTTL = ttl
        self.servingState = servingState
        self.logger = logger
        self.state = Mutex(State(ttl: ttl))
    }

    /// The current lease, if registered.
    package var leaseID: String? { state.withLock { $0.leaseID } }

    /// Keeps the registration until cancelled or `deregister()`.
    package func run() async {
        var failures = 0
        while !Task.isCancelled, !state.withLock({ $0.stopped }) {
            guard let lease = leaseID else {
                if await register() {
                    failures = 0
                } else {
                    failures += 1
                    try? await Task.sleep(for: Self.backoff(failures))
                }
                continue
            }
            let interval = state.withLock { $0.ttl } / 3
            try? await Task.sleep(for: failures == 0 ? interval : min(interval, Self.backoff(failures)))
            guard !Task.isCancelled, !state.withLock({ $0.stopped }) else { break }
            do {
                var request = Clinic_Registry_V1_HeartbeatRequest()
                request.leaseId = lease
                request.state = servingState()
                let response = try await registry.heartbeat(request, options: CallOptions(timeout: interval))
                if let ttl = response.ttl, ttl.seconds > 0 {
                    state.withLock { $0.ttl = .seconds(ttl.seconds) + .nanoseconds(Int64(ttl.nanos)) }
                }
                failures = 0
            } catch let error as RPCError where error.code == .notFound {
                logger.info("the registry does not know our lease (it restarted or the lease expired); registering again")
                state.withLock { if $0.leaseID == lease { $0.leaseID = nil } }
            } catch {
                failures += 1
                logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Stops heartbeats and removes the instance from the registry at once (best effort: when
    /// the registry cannot be reached the lease simply expires).
    package func deregister(timeout: Duration = .seconds(2)) async {
        let lease: String? = state.withLock { state in
            state.stopped = true
            defer { state.leaseID = nil }
            return state.leaseID
        }
        guard let lease else { return }
        var request = Clinic_Registry_V1_DeregisterInstanceRequest()
        request.leaseId = lease
        do {
            _ = try await registry.deregisterInstance(request, options: CallOptions(timeout: timeout))
            logger.info("deregistered")
        } catch {
            logger.warning("could not deregister; the lease will expire", metadata: ["error": "\(error)"])
        }
    }

    private func register() async -> Bool {
        var request = Clinic_Registry_V1_RegisterInstanceRequest()
        request.instance = instance
        request.ttl = Google_Protobuf_Duration.with { $0.seconds = requestedTTL.components.seconds }
        do {
            let response = try await registry.registerInstance(request, options: CallOptions(timeout: .seconds(5)))
            let granted = response.ttl.map { Duration.seconds($0.seconds) + .nanoseconds(Int64($0.nanos)) } ?? requestedTTL
            let kept = state.withLock { state in
                guard !state.stopped else { return false }
                state.leaseID = response.leaseId
                state.ttl = granted > .zero ? granted : requestedTTL
                return true
            }
            if kept {
                logger.info(
                    "registered", metadata: ["registry.address": "\(instance.host):\(instance.port)", "registry.ttl": "\(granted)"])
            } else {
                // Shutdown began while this registration was in flight: take it back.
                var removal = Clinic_Registry_V1_DeregisterInstanceRequest()
                removal.leaseId = response.leaseId
                _ = try? await registry.deregisterInstance(removal, options: CallOptions(timeout: .seconds(2)))
            }
            return true
        } catch let error as RPCError where [.invalidArgument, .permissionDenied].contains(error.code) {
            // A request the registry will never accept: say so loudly, keep trying slowly.
            logger.error("the registry refused the registration", metadata: ["error": "\(error)"])
            return false
        } catch {
            logger.debug("registry not reachable yet", metadata: ["error": "\(error)"])
            return false
        }
    }

    private static func backoff(_ failures: Int) -> Duration {
        let milliseconds = min(100 * (1 << min(failures, 5)), 2_000)
        return .milliseconds(Int64(Double(milliseconds) * Double.random(in: 0.8...1)))
    }
}

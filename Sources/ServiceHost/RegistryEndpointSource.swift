import ClinicAPI
import Logging
import RPCCore
package import RPCTransport

/// The healthy endpoints of one RPC service as the registry's watch reports them: the snapshot,
/// then the list again after every change.
///
/// When the watch fails (the registry restarts, the connection drops) the last list stays in
/// force — the pool skips instances that died meanwhile — and the watch is reopened with
/// backoff; its new snapshot replaces the list.
package struct RegistryEndpointSource: EndpointSource {
    let registry: Clinic_Registry_V1_RegistryService.Client
    /// The watched RPC service's full name.
    package let rpcService: String
    let backoff: ReconnectBackoff
    let logger: Logger

    package func endpointUpdates() -> AsyncStream<[Endpoint]> {
        // Only the latest list matters to the pool.
        let (stream, continuation) = AsyncStream.makeStream(of: [Endpoint].self, bufferingPolicy: .bufferingNewest(1))
        let task = Task { await watch(into: continuation) }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func watch(into continuation: AsyncStream<[Endpoint]>.Continuation) async {
        var failures = 0
        var request = Clinic_Registry_V1_WatchServiceRequest()
        request.rpcService = rpcService
        while !Task.isCancelled {
            do {
                try await registry.watchService(request) { responses in
                    var view = InstanceView()
                    for try await event in responses {
                        if let endpoints = view.apply(event) { continuation.yield(endpoints) }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.debug("registry watch failed", metadata: ["rpc.service": "\(rpcService)", "error": "\(error)"])
            }
            failures += 1
            try? await Task.sleep(for: backoff.delayForWatch(afterFailures: failures))
        }
        continuation.finish()
    }
}

/// The instances a watch has reported, by id.
struct InstanceView {
    private var instances: [String: Clinic_Registry_V1_ServiceInstance] = [:]

    /// Applies one watch message; returns the endpoints (ordered by instance id) after it.
    mutating func apply(_ event: Clinic_Registry_V1_WatchServiceResponse) -> [Endpoint]? {
        switch event.kind {
        case .snapshot:
            instances = Dictionary(event.instances.map { ($0.instanceId, $0) }, uniquingKeysWith: { _, last in last })
        case .added, .updated:
            for instance in event.instances { instances[instance.instanceId] = instance }
        case .removed:
            for instance in event.instances { instances[instance.instanceId] = nil }
        default:
            return nil
        }
        return endpoints
    }

    /// The serving instances' endpoints, ordered by instance id.
    var endpoints: [Endpoint] {
        instances.values
            .filter { $0.state == .serving || $0.state == .unspecified }
            .sorted { $0.instanceId < $1.instanceId }
            .map { Endpoint(host: $0.host, port: Int($0.port)) }
    }
}

extension ReconnectBackoff {
    /// Exponential from `initial`, capped at `maximum` (the pool's own jittered delay is internal
    /// to RPCTransport).
    func delayForWatch(afterFailures failures: Int) -> Duration {
        var delay = initial
        for _ in 1..<max(failures, 1) {
            delay = min(delay * multiplier, maximum)
        }
        return delay * Double.random(in: (1 - min(max(jitter, 0), 1))...1)
    }
}

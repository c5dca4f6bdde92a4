package import ClinicAPI
import Foundation
import Logging
package import Platform
package import RPCCore

/// `clinic.registry.v1.RegistryService`: service instances register with a lease and keep it
/// with heartbeats; clients resolve or watch an RPC service's healthy instances.
///
/// State is in memory, on purpose: it is soft state that the instances themselves hold. After a
/// registry restart every heartbeat answers `not_found` ("unknown lease") and each instance
/// registers again at once, so the registry is whole again within one heartbeat interval (a
/// third of a lease) — sooner and simpler than reconciling a file against instances that may
/// have died while it was down. Watchers see their stream end and watch again, starting with a
/// snapshot.
///
/// Callers are authenticated by the `AuthorizationInterceptor` (every method is `internal`).
/// Only platform services (`ServiceTrust.platformServices`) may register, renew or remove
/// instances, and only instances of their own service; the server may additionally trust the
/// edge and the `clinic` tool to resolve, watch and list.
package final class RegistryService: Clinic_Registry_V1_RegistryService.ServiceProtocol {
    private let configuration: RegistryConfiguration
    private let store = RegistryStore()
    /// Who may register: backend services only, whatever the server trusts for reading.
    private let registrants: ServiceTrust

    /// A registry with `configuration`; `registrants` are the services allowed to register.
    package init(configuration: RegistryConfiguration = RegistryConfiguration(), registrants: ServiceTrust = .platformServices) {
        self.configuration = configuration
        self.registrants = registrants
    }

    // MARK: Lifecycle

    /// Sweeps expired leases until cancelled (so watchers learn of dead instances on time), then
    /// ends every watch.
    package func run() async {
        while !Task.isCancelled {
            expireLeases()
            try? await Task.sleep(for: configuration.sweepInterval)
        }
        store.finishWatchers()
    }

    /// Drops the entries whose lease has expired now; returns their instance ids.
    @discardableResult
    package func expireLeases() -> [String] {
        let now = configuration.now()
        let expired = store.update { $0.expire(now: now) }
        for id in expired {
            configuration.logger.info("lease expired", metadata: ["registry.instance": "\(id)"])
        }
        return expired
    }

    /// Ends every watch (shutdown).
    package func finishWatches() {
        store.finishWatchers()
    }

    // MARK: Leases

    package func registerInstance(request: Clinic_Registry_V1_RegisterInstanceRequest, context: ServerContext) async throws
        -> Clinic_Registry_V1_RegisterInstanceResponse
    {
        // The router validated the field rules, so the instance is present.
        let instance = request.instance ?? Clinic_Registry_V1_ServiceInstance()
        let caller = try registrant(context)
        try RegistryRules.check(instance)
        let ttl = try RegistryRules.grantedTTL(request.ttl, configuration: configuration)
        guard caller == instance.serviceName else {
            throw RPCError(
                code: .permissionDenied,
                message: "instance.service_name: \(caller) may only register instances of its own service")
        }
        let leaseID = Self.newLeaseID()
        let now = configuration.now()
        let outcome = store.update { state in
            state.expire(now: now)
            return state.register(instance, ttl: ttl, leaseID: leaseID, now: now)
        }
        switch outcome {
        case .failure:
            throw RPCError(
                code: .permissionDenied, message: "instance.instance_id: \(instance.instanceId) belongs to another service")
        case .success(let entry):
            configuration.logger.info(
                "instance registered",
                metadata: [
                    "registry.instance": "\(instance.instanceId)", "registry.service": "\(instance.serviceName)",
                    "registry.address": "\(instance.host):\(instance.port)",
                ])
            var response = Clinic_Registry_V1_RegisterInstanceResponse()
            response.leaseId = entry.leaseID
            response.ttl = .init(duration: entry.ttl)
            response.instance = entry.published
            return response
        }
    }

    package func heartbeat(request: Clinic_Registry_V1_HeartbeatRequest, context: ServerContext) async throws
        -> Clinic_Registry_V1_HeartbeatResponse
    {
        let caller = try registrant(context)
        let state: Clinic_Registry_V1_ServingState = request.state == .unspecified ? .serving : request.state
        let now = configuration.now()
        let outcome = store.update { books in
            books.expire(now: now)
            return books.heartbeat(leaseID: request.leaseId, service: caller, state: state, now: now)
        }
        let entry = try Self.unwrap(outcome)
        var response = Clinic_Registry_V1_HeartbeatResponse()
        response.ttl = .init(duration: entry.ttl)
        response.expireTime = .init(date: entry.expiresAt)
        return response
    }

    package func deregisterInstance(request: Clinic_Registry_V1_DeregisterInstanceRequest, context: ServerContext)
        async throws -> Clinic_Registry_V1_DeregisterInstanceResponse
    {
        let caller = try registrant(context)
        let removed = try Self.unwrap(store.update { $0.deregister(leaseID: request.leaseId, service: caller) })
        if removed { configuration.logger.info("instance deregistered", metadata: ["registry.service": "\(caller)"]) }
        var response = Clinic_Registry_V1_DeregisterInstanceResponse()
        response.removed = removed
        return response
    }

    // MARK: Reading

    package func resolveService(request: Clinic_Registry_V1_ResolveServiceRequest, context: ServerContext) async throws
        -> Clinic_Registry_V1_ResolveServiceResponse
    {
        try RegistryRules.checkRPCService(request.rpcService)
        let now = configuration.now()
        let (entries, revision) = store.update { state in
            state.expire(now: now)
            return (state.instances(serving: request.rpcService, includeUnhealthy: false), state.revision)
        }
        var response = Clinic_Registry_V1_ResolveServiceResponse()
        response.instances = entries.map(\.published)
        response.revision = revision
        return response
    }

    package func watchService(
        request: Clinic_Registry_V1_WatchServiceRequest, response: RPCWriter<Clinic_Registry_V1_WatchServiceResponse>,
        context: ServerContext
    ) async throws {
        try RegistryRules.checkRPCService(request.rpcService)
        let service = request.rpcService
        let unhealthy = request.includeUnhealthy
        let (id, wakeups, first) = store.subscribe { state in
            (state.instances(serving: service, includeUnhealthy: unhealthy), state.revision)
        }
        defer { store.unsubscribe(id) }
        var snapshot = Clinic_Registry_V1_WatchServiceResponse()
        snapshot.kind = .snapshot
        snapshot.instances = first.0.map(\.published)
        snapshot.revision = first.1
        try await response.write(snapshot)
        var view = WatchDiff.view(of: first.0)
        // Ends when the call is cancelled (iteration stops) or the registry stops (finish).
        for await _ in wakeups {
            let (entries, revision) = store.read { state in
                (state.instances(serving: service, includeUnhealthy: unhealthy), state.revision)
            }
            let current = WatchDiff.view(of: entries)
            let published = Dictionary(entries.map { ($0.instance.instanceId, $0.published) }, uniquingKeysWith: { a, _ in a })
            for event in WatchDiff.events(from: view, to: current) {
                var message = Clinic_Registry_V1_WatchServiceResponse()
                message.kind = event.kind
                message.instances = [published[event.instance.instanceId] ?? event.instance]
                message.revision = revision
                try await response.write(message)
            }
            view = current
        }
    }

    package func listInstances(request: Clinic_Registry_V1_ListInstancesRequest, context: ServerContext) async throws
        -> Clinic_Registry_V1_ListInstancesResponse
    {
        let scope = PageScope(request) { $0.pageSize = 0; $0.pageToken = "" }
        let after = try PageToken<ListPosition>.decode(request.pageToken, scope: scope)
        let limit = request.pageSize == 0 ? configuration.defaultPageSize : min(Int(request.pageSize), configuration.maxPageSize)
        let now = configuration.now()
        let (entries, more) = store.update { state in
            state.expire(now: now)
            return state.page(serviceName: request.serviceName, after: after, limit: limit)
        }
        var response = Clinic_Registry_V1_ListInstancesResponse()
        response.instances = entries.map(\.published)
        if more, let last = entries.last { response.nextPageToken = PageToken.encode(ListPosition(entry: last), scope: scope) }
        return response
    }

    // MARK: Helpers

    /// The calling service, if it may register; permission_denied otherwise.
    private func registrant(_ context: ServerContext) throws(RPCError) -> String {
        guard let name = context.principal?.serviceName, registrants.services.contains(name) else {
            throw RPCError(code: .permissionDenied, message: "only platform services may register instances")
        }
        return name
    }

    private static func unwrap<T>(_ outcome: Result<T, RegistryState.LeaseFailure>) throws(RPCError) -> T {
        switch outcome {
        case .success(let value):
            return value
        case .failure(.unknownLease):
            throw RPCError(
                code: .notFound, message: "lease_id: unknown lease (expired, or the registry restarted); register again")
        case .failure(.notOwner):
            throw RPCError(code: .permissionDenied, message: "lease_id: the lease belongs to another service")
        }
    }

    /// 128 random bits as hex (the system generator is a CSPRNG on every platform we run on).
    private static func newLeaseID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

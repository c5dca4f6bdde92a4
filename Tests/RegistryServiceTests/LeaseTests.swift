import ClinicAPI
import RPCCore
import Testing
import WellKnownTypes

@testable import RegistryService

@Suite("Registry leases")
struct LeaseTests {
    @Test("a registered instance resolves, with a granted lease and its output fields")
    func registerAndResolve() async throws {
        let harness = RegistryHarness()
        let response = try await harness.register(RegistryHarness.instance("auth-1"))
        #expect(response.leaseId.count == 32)
        #expect(response.ttl?.seconds == 15)
        #expect(response.instance?.state == .serving)
        #expect(response.instance?.expireTime?.seconds == response.instance!.registerTime!.seconds + 15)
        #expect(try await harness.resolve() == ["auth-1"])
        #expect(try await harness.resolve("clinic.billing.v1.BillingService").isEmpty)
    }

    @Test("a lease expires when heartbeats stop, and its heartbeat then answers not_found")
    func expiry() async throws {
        let harness = RegistryHarness()
        let lease = try await harness.register(RegistryHarness.instance("auth-1"), ttlSeconds: 3).leaseId
        harness.clock.advance(.seconds(2))
        #expect(harness.registry.expireLeases().isEmpty)
        #expect(try await harness.resolve() == ["auth-1"])
        harness.clock.advance(.seconds(1))
        #expect(harness.registry.expireLeases() == ["auth-1"])
        #expect(try await harness.resolve().isEmpty)
        #expect(await errorCode { try await harness.heartbeat(lease) } == .notFound)
    }

    @Test("reads expire stale leases at once, without waiting for the sweeper")
    func readsExpire() async throws {
        let harness = RegistryHarness()
        try await harness.register(RegistryHarness.instance("auth-1"), ttlSeconds: 2)
        harness.clock.advance(.seconds(5))
        #expect(try await harness.resolve().isEmpty)
    }

    @Test("heartbeats renew the lease from the time they arrive")
    func heartbeatRenews() async throws {
        let harness = RegistryHarness()
        let lease = try await harness.register(RegistryHarness.instance("auth-1"), ttlSeconds: 10).leaseId
        for _ in 0..<5 {
            harness.clock.advance(.seconds(8))
            let renewed = try await harness.heartbeat(lease)
            #expect(renewed.ttl?.seconds == 10)
        }
        #expect(harness.registry.expireLeases().isEmpty)
        #expect(try await harness.resolve() == ["auth-1"])
    }

    @Test("an instance that is not SERVING is not resolved, and is again once it serves")
    func servingState() async throws {
        let harness = RegistryHarness()
        let lease = try await harness.register(RegistryHarness.instance("auth-1")).leaseId
        try await harness.register(RegistryHarness.instance("auth-2", port: 7002))
        try await harness.heartbeat(lease, state: .draining)
        #expect(try await harness.resolve() == ["auth-2"])
        try await harness.heartbeat(lease, state: .unspecified)  // unset means SERVING
        #expect(try await harness.resolve() == ["auth-1", "auth-2"])
    }

    @Test("deregistering removes the instance at once; a second time removes nothing")
    func deregister() async throws {
        let harness = RegistryHarness()
        let lease = try await harness.register(RegistryHarness.instance("auth-1")).leaseId
        var request = Clinic_Registry_V1_DeregisterInstanceRequest()
        request.leaseId = lease
        #expect(try await harness.client("auth").deregisterInstance(request).removed)
        #expect(try await harness.resolve().isEmpty)
        #expect(try await harness.client("auth").deregisterInstance(request).removed == false)
    }

    @Test("registering an instance id again (a restart) replaces the entry and the old lease")
    func reRegister() async throws {
        let harness = RegistryHarness()
        let old = try await harness.register(RegistryHarness.instance("auth-1", port: 7001)).leaseId
        let new = try await harness.register(RegistryHarness.instance("auth-1", port: 7005)).leaseId
        #expect(old != new)
        #expect(await errorCode { try await harness.heartbeat(old) } == .notFound)
        try await harness.heartbeat(new)
        var request = Clinic_Registry_V1_ResolveServiceRequest()
        request.rpcService = "clinic.auth.v1.AuthService"
        let instances = try await harness.client("cli").resolveService(request).instances
        #expect(instances.map(\.port) == [7005])
    }

    @Test("a registry that restarted answers not_found to a heartbeat, and the instance registers again")
    func restartedRegistry() async throws {
        let before = RegistryHarness()
        let lease = try await before.register(RegistryHarness.instance("auth-1")).leaseId
        let after = RegistryHarness()  // a new process: nothing in memory
        let error = await rpcError { try await after.heartbeat(lease) }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("register again") == true)
        try await after.register(RegistryHarness.instance("auth-1"))
        #expect(try await after.resolve() == ["auth-1"])
    }

    @Test("instances are listed by service then id, in pages")
    func listPages() async throws {
        let harness = RegistryHarness()
        for index in 1...3 { try await harness.register(RegistryHarness.instance("auth-\(index)", port: Int32(7000 + index))) }
        try await harness.register(RegistryHarness.instance("billing-1", service: "billing"))
        var request = Clinic_Registry_V1_ListInstancesRequest()
        request.pageSize = 3
        let first = try await harness.client("cli").listInstances(request)
        #expect(first.instances.map(\.instanceId) == ["auth-1", "auth-2", "auth-3"])
        request.pageToken = first.nextPageToken
        let second = try await harness.client("cli").listInstances(request)
        #expect(second.instances.map(\.instanceId) == ["billing-1"])
        #expect(second.nextPageToken.isEmpty)
        var billing = Clinic_Registry_V1_ListInstancesRequest()
        billing.serviceName = "billing"
        #expect(try await harness.client("cli").listInstances(billing).instances.map(\.instanceId) == ["billing-1"])
    }
}

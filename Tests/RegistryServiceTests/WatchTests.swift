import ClinicAPI
import RPCCore
import Testing

@testable import RegistryService

@Suite("Registry watch")
struct WatchTests {
    /// Watches the auth service as the edge and hands the stream's iterator to `body`.
    private func watch(
        _ harness: RegistryHarness, includeUnhealthy: Bool = false,
        _ body: @escaping @Sendable (inout RPCAsyncSequence<Clinic_Registry_V1_WatchServiceResponse>.AsyncIterator) async throws -> Void
    ) async throws {
        var request = Clinic_Registry_V1_WatchServiceRequest()
        request.rpcService = "clinic.auth.v1.AuthService"
        request.includeUnhealthy = includeUnhealthy
        try await harness.client("edge").watchService(request, options: CallOptions(timeout: .seconds(60))) { responses in
            var iterator = responses.makeAsyncIterator()
            try await body(&iterator)
        }
    }

    @Test("a watch starts with a snapshot, then reports additions, updates and removals")
    func events() async throws {
        let harness = RegistryHarness()
        try await harness.register(RegistryHarness.instance("auth-1"))
        try await watch(harness) { events in
            let snapshot = try #require(try await events.next())
            #expect(snapshot.kind == .snapshot)
            #expect(snapshot.instances.map(\.instanceId) == ["auth-1"])

            let lease = try await harness.register(RegistryHarness.instance("auth-2", port: 7002)).leaseId
            let added = try #require(try await events.next())
            #expect(added.kind == .added)
            #expect(added.instances.map(\.instanceId) == ["auth-2"])
            #expect(added.revision > snapshot.revision)

            try await harness.register(RegistryHarness.instance("auth-2", port: 7003))
            let updated = try #require(try await events.next())
            #expect(updated.kind == .updated)
            #expect(updated.instances.map(\.port) == [7003])
            _ = lease

            harness.clock.advance(.seconds(16))
            harness.registry.expireLeases()
            let removed1 = try #require(try await events.next())
            let removed2 = try #require(try await events.next())
            #expect([removed1.kind, removed2.kind] == [.removed, .removed])
            #expect(Set(removed1.instances.map(\.instanceId) + removed2.instances.map(\.instanceId)) == ["auth-1", "auth-2"])
        }
    }

    @Test("heartbeats alone send no events; a change of serving state does")
    func heartbeatsAreQuiet() async throws {
        let harness = RegistryHarness()
        let lease = try await harness.register(RegistryHarness.instance("auth-1")).leaseId
        try await watch(harness, includeUnhealthy: true) { events in
            #expect(try await events.next()?.kind == .snapshot)
            for _ in 0..<3 { try await harness.heartbeat(lease) }
            try await harness.heartbeat(lease, state: .draining)
            let next = try #require(try await events.next())
            #expect(next.kind == .updated)
            #expect(next.instances.first?.state == .draining)
        }
    }

    @Test("to a watcher of healthy instances, draining is a removal and serving again an addition")
    func healthyOnly() async throws {
        let harness = RegistryHarness()
        let lease = try await harness.register(RegistryHarness.instance("auth-1")).leaseId
        try await watch(harness) { events in
            #expect(try await events.next()?.instances.count == 1)
            try await harness.heartbeat(lease, state: .notServing)
            #expect(try await events.next()?.kind == .removed)
            try await harness.heartbeat(lease, state: .serving)
            #expect(try await events.next()?.kind == .added)
        }
    }

    @Test("deregistration ends up as a removal; other services' changes are not reported")
    func filtered() async throws {
        let harness = RegistryHarness()
        try await watch(harness) { events in
            #expect(try await events.next()?.instances.isEmpty == true)
            try await harness.register(RegistryHarness.instance("billing-1", service: "billing"))
            let lease = try await harness.register(RegistryHarness.instance("auth-1")).leaseId
            let added = try #require(try await events.next())
            #expect(added.kind == .added && added.instances.map(\.instanceId) == ["auth-1"])
            var request = Clinic_Registry_V1_DeregisterInstanceRequest()
            request.leaseId = lease
            _ = try await harness.client("auth").deregisterInstance(request)
            #expect(try await events.next()?.kind == .removed)
        }
    }

    @Test("a watch of a malformed service name is invalid_argument")
    func badWatch() async throws {
        let harness = RegistryHarness()
        var request = Clinic_Registry_V1_WatchServiceRequest()
        request.rpcService = "nope"
        #expect(
            await errorCode {
                try await harness.client("edge").watchService(request) { responses in
                    for try await _ in responses {}
                }
            } == .invalidArgument)
    }
}

@Suite("Watch diffs")
struct WatchDiffTests {
    @Test("views turn into removals, additions and updates in id order")
    func diff() {
        let a = RegistryHarness.instance("a-1")
        let b = RegistryHarness.instance("b-1")
        var movedB = b
        movedB.port = 9000
        let c = RegistryHarness.instance("c-1")
        let events = WatchDiff.events(from: ["a-1": a, "b-1": b], to: ["b-1": movedB, "c-1": c])
        #expect(events.map(\.kind) == [.removed, .updated, .added])
        #expect(events.map(\.instance.instanceId) == ["a-1", "b-1", "c-1"])
        #expect(WatchDiff.events(from: ["a-1": a], to: ["a-1": a]).isEmpty)
    }

    @Test("list positions order by service, then instance id")
    func positions() {
        let position = ListPosition(serviceName: "auth", instanceID: "auth-2")
        #expect(position < ListPosition(serviceName: "auth", instanceID: "auth-3"))
        #expect(position < ListPosition(serviceName: "billing", instanceID: "auth-1"))
    }
}

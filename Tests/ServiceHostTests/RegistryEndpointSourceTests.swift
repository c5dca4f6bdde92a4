import ClinicAPI
import RPCCore
import RPCTransport
import ServiceHost
import Testing

@Suite("The registry client as an endpoint source, over mTLS on loopback", .serialized)
struct RegistryEndpointSourceTests {
    @Test("the source yields the registered endpoints, then the list again after a change")
    func updates() async throws {
        let platform = try await HostFixture()
        let registry = try await platform.startRegistry()
        let one = try await platform.startInstance("testing-1", registry: registry.endpoint)
        let two = try await platform.startInstance("testing-2", registry: registry.endpoint)
        let client = try platform.registryClient(registry.endpoint)
        var lists = client.endpoints(of: Clinic_Testing_V1_TestService.descriptor.fullName).endpointUpdates().makeAsyncIterator()
        var list = await lists.next() ?? []
        while Set(list) != [one.endpoint, two.endpoint] { list = await lists.next() ?? [] }
        await one.stop()
        while list != [two.endpoint] { list = await lists.next() ?? [] }
        #expect(list == [two.endpoint])
        await two.stop()
        client.shutdown()
        await registry.stop()
    }

    @Test("calls are spread over the healthy instances")
    func roundRobin() async throws {
        let platform = try await HostFixture()
        let registry = try await platform.startRegistry()
        let one = try await platform.startInstance("testing-1", registry: registry.endpoint)
        let two = try await platform.startInstance("testing-2", registry: registry.endpoint)
        let registryClient = try platform.registryClient(registry.endpoint)
        let (client, clients) = try platform.testClient(through: registryClient)
        var seen = Set<String>()
        try await eventually("both instances answered") {
            seen.insert(try await answeringInstance(client))
            return seen == ["testing-1", "testing-2"]
        }
        #expect(seen == ["testing-1", "testing-2"])
        clients.shutdown()
        registryClient.shutdown()
        await one.stop()
        await two.stop()
        await registry.stop()
    }

    @Test("a gracefully stopped instance leaves the registry at once; calls go on through the other")
    func gracefulStop() async throws {
        let platform = try await HostFixture()
        let registry = try await platform.startRegistry()
        let one = try await platform.startInstance("testing-1", registry: registry.endpoint)
        let two = try await platform.startInstance("testing-2", registry: registry.endpoint)
        let registryClient = try platform.registryClient(registry.endpoint)
        let (client, clients) = try platform.testClient(through: registryClient)
        try await eventually("both registered") { try await registryClient.resolve("clinic.testing.v1.TestService").count == 2 }
        await one.stop()
        // Deregistered during shutdown, before the server stopped: no lease has to expire.
        #expect(try await registryClient.resolve("clinic.testing.v1.TestService").map(\.instanceId) == ["testing-2"])
        for _ in 0..<20 { #expect(try await answeringInstance(client) == "testing-2") }
        clients.shutdown()
        registryClient.shutdown()
        await two.stop()
        await registry.stop()
    }

    @Test("a crashed instance is skipped at once and dropped when its lease expires")
    func crash() async throws {
        let platform = try await HostFixture()
        let registry = try await platform.startRegistry()
        let one = try await platform.startInstance("testing-1", registry: registry.endpoint)
        let two = try await platform.startInstance("testing-2", registry: registry.endpoint)
        let registryClient = try platform.registryClient(registry.endpoint)
        let (client, clients) = try platform.testClient(through: registryClient)
        var seen = Set<String>()
        try await eventually("both instances answered") {
            seen.insert(try await answeringInstance(client))
            return seen.count == 2
        }
        await one.crash()
        // Every call succeeds, through the survivor, while the registry still lists the dead one.
        for _ in 0..<20 { #expect(try await answeringInstance(client) == "testing-2") }
        try await eventually("the dead instance's lease expired") {
            try await registryClient.resolve("clinic.testing.v1.TestService").map(\.instanceId) == ["testing-2"]
        }
        clients.shutdown()
        registryClient.shutdown()
        await two.stop()
        await registry.stop()
    }

    @Test("after a registry restart the instances register again and calls never stop")
    func registryRestart() async throws {
        let platform = try await HostFixture()
        var registry = try await platform.startRegistry()
        let port = registry.endpoint.port
        let one = try await platform.startInstance("testing-1", registry: registry.endpoint)
        let two = try await platform.startInstance("testing-2", registry: registry.endpoint)
        let registryClient = try platform.registryClient(registry.endpoint)
        let (client, clients) = try platform.testClient(through: registryClient)
        try await eventually("both registered") { try await registryClient.resolve("clinic.testing.v1.TestService").count == 2 }
        _ = try await answeringInstance(client)
        await registry.crash()
        // The pool keeps its last list while the registry is away.
        for _ in 0..<5 { _ = try await answeringInstance(client) }
        registry = try await platform.startRegistry(port: port)
        try await eventually("both registered again") {
            try await registryClient.resolve("clinic.testing.v1.TestService").count == 2
        }
        for _ in 0..<5 { _ = try await answeringInstance(client) }
        clients.shutdown()
        registryClient.shutdown()
        await one.stop()
        await two.stop()
        await registry.stop()
    }
}

import ClinicAPI
import RPCCore
import Testing

@Suite("Registry access: only platform services register, and only themselves")
struct AccessTests {
    @Test("the edge and the cli tool may read but not register", arguments: ["edge", "cli"])
    func readersCannotRegister(caller: String) async throws {
        let harness = RegistryHarness()
        var instance = RegistryHarness.instance("\(caller)-1")
        instance.serviceName = caller
        #expect(await errorCode { try await harness.register(instance, as: caller) } == .permissionDenied)
        #expect(try await harness.resolve(as: caller).isEmpty)
    }

    @Test("a caller without a certificate identity is unauthenticated")
    func anonymous() async throws {
        let harness = RegistryHarness()
        #expect(await errorCode { try await harness.register(RegistryHarness.instance("auth-1"), as: "anonymous") } == .unauthenticated)
        #expect(await errorCode { _ = try await harness.resolve(as: "anonymous") } == .unauthenticated)
    }

    @Test("a service may not register an instance of another service")
    func otherServiceName() async throws {
        let harness = RegistryHarness()
        let error = await rpcError { try await harness.register(RegistryHarness.instance("billing-1", service: "billing"), as: "auth") }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message.contains("instance.service_name") == true)
    }

    @Test("a service may not take over another service's instance id")
    func instanceIDTakeover() async throws {
        let harness = RegistryHarness()
        try await harness.register(RegistryHarness.instance("shared-1", service: "auth"))
        var hijack = RegistryHarness.instance("shared-1", service: "billing")
        hijack.port = 9999
        #expect(await errorCode { try await harness.register(hijack) } == .permissionDenied)
        #expect(try await harness.resolve() == ["shared-1"])
    }

    @Test("a service may not renew or remove another service's lease")
    func foreignLease() async throws {
        let harness = RegistryHarness()
        let lease = try await harness.register(RegistryHarness.instance("auth-1")).leaseId
        #expect(await errorCode { try await harness.heartbeat(lease, as: "billing") } == .permissionDenied)
        var request = Clinic_Registry_V1_DeregisterInstanceRequest()
        request.leaseId = lease
        #expect(await errorCode { _ = try await harness.client("clinics").deregisterInstance(request) } == .permissionDenied)
        #expect(try await harness.resolve() == ["auth-1"])
    }
}

@Suite("Registry request validation")
struct ValidationTests {
    /// Instances that break one rule each, with the field the error must name.
    static let badInstances: [(field: String, instance: Clinic_Registry_V1_ServiceInstance)] = {
        func bad(_ field: String, _ change: (inout Clinic_Registry_V1_ServiceInstance) -> Void) -> (String, Clinic_Registry_V1_ServiceInstance) {
            var instance = RegistryHarness.instance("auth-1")
            change(&instance)
            return (field, instance)
        }
        return [
            bad("instance.instance_id") { $0.instanceId = "" },
            bad("instance.instance_id") { $0.instanceId = "Not An Id!" },
            bad("instance.host") { $0.host = "" },
            bad("instance.host") { $0.host = "0.0.0.0" },
            bad("instance.host") { $0.host = "exa mple.com" },
            bad("instance.port") { $0.port = 0 },
            bad("instance.port") { $0.port = 70000 },
            bad("instance.rpc_services") { $0.rpcServices = [] },
            bad("instance.rpc_services[0]") { $0.rpcServices = ["not a service"] },
            bad("instance.rpc_services[1]") { $0.rpcServices = ["clinic.auth.v1.AuthService", "clinic.auth.v1.AuthService"] },
            bad("instance.tls_server_name") { $0.tlsServerName = "bad name" },
            bad("instance.metadata[version]") { $0.metadata = ["version": String(repeating: "x", count: 257)] },
            bad("instance.metadata") { $0.metadata = [String(repeating: "k", count: 65): "v"] },
        ]
    }()

    @Test("bad instances are refused, naming the field", arguments: 0..<13)
    func badInstance(index: Int) async throws {
        let (field, instance) = Self.badInstances[index]
        let harness = RegistryHarness()
        let error = await rpcError { try await harness.register(instance) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.hasPrefix(field) == true, "\(field): \(error?.message ?? "no error")")
        #expect(try await harness.resolve().isEmpty)
    }

    @Test("a missing instance and out-of-range leases are refused", arguments: [nil, 0, -5, 301, 100_000] as [Int64?])
    func badRequest(ttl: Int64?) async throws {
        let harness = RegistryHarness()
        var request = Clinic_Registry_V1_RegisterInstanceRequest()
        if let ttl {
            request.instance = RegistryHarness.instance("auth-1")
            request.ttl = .with { $0.seconds = ttl }
        }
        let error = await rpcError { _ = try await harness.client("auth").registerInstance(request) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.hasPrefix(ttl == nil ? "instance" : "ttl") == true)
    }

    @Test("bad lease ids, service names and page tokens are invalid_argument")
    func badReads() async throws {
        let harness = RegistryHarness()
        #expect(await errorCode { try await harness.heartbeat("") } == .invalidArgument)
        #expect(await errorCode { try await harness.heartbeat("x", state: .UNRECOGNIZED(42)) } == .invalidArgument)
        #expect(await errorCode { _ = try await harness.resolve("") } == .invalidArgument)
        #expect(await errorCode { _ = try await harness.resolve("no-dots") } == .invalidArgument)
        var list = Clinic_Registry_V1_ListInstancesRequest()
        list.pageToken = "zz"
        #expect(await errorCode { _ = try await harness.client("cli").listInstances(list) } == .invalidArgument)
        list.pageToken = ""
        list.pageSize = 501
        #expect(await errorCode { _ = try await harness.client("cli").listInstances(list) } == .invalidArgument)
    }
}

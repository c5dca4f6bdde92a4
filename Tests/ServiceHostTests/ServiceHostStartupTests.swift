import Logging
import RPCTransport
import ServiceHost
import Testing

@Suite("Service host start-up")
struct ServiceHostStartupTests {
    @Test("missing certificates stop the host before it listens, with an error naming the file")
    func missingCertificates() async throws {
        let configuration = ServiceConfiguration(
            serviceName: "auth", dataDirectory: "/nonexistent", certificatesDirectory: "/nonexistent/certs")
        let host = ServiceHost(
            configuration: configuration, hosted: HostedService(services: [], interceptors: []), registry: nil,
            logger: Logger(label: "test"))
        await #expect {
            try await host.run()
        } throws: { error in
            (error as? ServiceHostError)?.code == .configuration && "\(error)".contains("/nonexistent/certs/ca.pem")
        }
        #expect(await host.listeningEndpoint() == nil)
    }

    @Test("addresses parse as host:port, with brackets for IPv6", arguments: [
        ("127.0.0.1:7001", Endpoint(host: "127.0.0.1", port: 7001)),
        ("[::1]:443", Endpoint(host: "::1", port: 443)),
        (":8080", Endpoint(host: "127.0.0.1", port: 8080)),
    ])
    func parse(text: String, endpoint: Endpoint) {
        #expect(Endpoint(parsing: text) == endpoint)
    }

    @Test("malformed addresses are refused", arguments: ["", "host", "host:0", "host:70000", "[::1]443", "h:p"])
    func refuse(text: String) {
        #expect(Endpoint(parsing: text) == nil)
    }

    @Test("an RPC service is owned by the service of its package")
    func owners() {
        #expect(ServiceOwner.of("clinic.patients.v1.MedicalRecordService") == "patients")
        #expect(ServiceOwner.of("clinic.auth.v1.AuthService") == "auth")
        #expect(ServiceOwner.of("grpc.health.v1.Health") == nil)
    }
}

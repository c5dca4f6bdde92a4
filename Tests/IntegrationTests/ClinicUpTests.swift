import ClinicAPI
import ClinicTLS
import Foundation
import RPCCore
import RPCTransport
import ServiceHost
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `clinic up --replicas 2` as a real process tree on loopback: every service its own process,
/// mTLS between them, SQLite files in a temporary data folder.
@Suite("clinic up, end to end", .serialized)
struct ClinicUpTests {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    @Test("failover: a killed instance is skipped, dropped by the registry and brought back; SIGTERM stops everything")
    func failover() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clinic-up-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let certificates = folder + "/certs", data = folder + "/data"
        let environment = ["CLINIC_ROOT": Self.repositoryRoot, "CLINIC_LOG_LEVEL": "warning"]

        let certs = try await ClinicProcess.run(["certs", "--out", certificates], environment: environment)
        #expect(certs.status == 0)

        let up = try ClinicProcess(
            ["up", "--replicas", "2", "--data", data, "--certs", certificates, "--http-port", "0", "--lease-ttl", "2"],
            environment: environment)
        var stopped = false
        defer { if !stopped { up.signal(SIGKILL) } }
        guard let ready = await up.line(where: { $0.hasPrefix("ready: ") }) else {
            throw IntegrationError("clinic up never printed its ready line: \(up.lines)")
        }
        #expect(ready.range(of: #"^ready: http://127\.0\.0\.1:\d+$"#, options: .regularExpression) != nil)
        let started = up.lines.compactMap(StartLine.init)
        // The registry and the edge once, every service twice.
        let instances = Set(started.map(\.instance))
        let replicated = ["auth", "clinics", "doctors", "patients", "appointments"]
        #expect(instances == Set(["registry-1", "edge-1"] + replicated.flatMap { ["\($0)-1", "\($0)-2"] }))
        #expect(up.lines.contains { $0.hasPrefix("demo login: super admin ") })

        // The first super admin, created by the operator command with the password on stdin.
        let password = "integration-test-passphrase-7"
        let created = try await ClinicProcess.run(
            ["admin", "create", "--email", "root@example.com", "--role", "super-admin", "--data", data],
            input: password + "\n", environment: environment)
        #expect(created.status == 0)
        #expect(created.lines.first?.hasPrefix("created: ") == true)

        // Over RPC with the cli identity, resolving through the registry of the running platform.
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: data + "/run/up.json"))) as? [String: Any]
        let registryAddress = try #require(state?["registry"] as? String)
        let registryEndpoint = try #require(Endpoint(parsing: registryAddress))
        let identity = ServiceIdentity(name: "cli", certificatesDirectory: certificates)
        let registry = try RegistryClient(endpoint: registryEndpoint, identity: identity)
        defer { registry.shutdown() }
        let clients = ServiceClients(registry: registry, identity: identity)
        defer { clients.shutdown() }
        let auth = Clinic_Auth_V1_AuthService.Client(caller: try clients.caller(for: Clinic_Auth_V1_AuthService.descriptor))
        let login = try await auth.login(
            .with {
                $0.email = "root@example.com"
                $0.password = password
            }, options: CallOptions(timeout: .seconds(60)))
        #expect(login.account?.roles == [.superAdmin])
        #expect(login.tokens?.accessToken.isEmpty == false)

        // The same platform through the edge: JSON over HTTP.
        let edgeURL = String(ready.dropFirst("ready: ".count))
        var request = URLRequest(url: try #require(URL(string: edgeURL + "/v1/auth:login")))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"email":"root@example.com","password":"\#(password)"}"#.utf8)
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("accessToken"))
        // The demo clinics, seeded through the services on the empty data folder.
        var clinics = URLRequest(url: try #require(URL(string: edgeURL + "/v1/clinics")))
        clinics.setValue("Bearer \(login.tokens?.accessToken ?? "")", forHTTPHeaderField: "Authorization")
        let (listed, listing) = try await URLSession.shared.data(for: clinics)
        #expect((listing as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: listed, as: UTF8.self).contains("Clinique du Parc"))
        // The demo patient signed up online and booked a visit themself: it is in their list.
        #expect(up.lines.contains("demo login: patient (signed up online) zoe.patient@demo.clinic / clinic-demo-password"))
        let patient = try await auth.login(
            .with {
                $0.email = "zoe.patient@demo.clinic"
                $0.password = "clinic-demo-password"
            }, options: CallOptions(timeout: .seconds(60)))
        var mine = URLRequest(url: try #require(URL(string: edgeURL + "/v1/patients/me/appointments")))
        mine.setValue("Bearer \(patient.tokens?.accessToken ?? "")", forHTTPHeaderField: "Authorization")
        let (appointments, answer) = try await URLSession.shared.data(for: mine)
        #expect((answer as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: appointments, as: UTF8.self).contains("BOOKING_CHANNEL_ONLINE"))

        // SIGKILL one auth instance: calls keep succeeding through the other one.
        let victim = try #require(started.first { $0.instance == "auth-1" })
        let victimEndpoint = try #require(Self.endpoint(victim.address))
        try await eventually("both auth instances are in use") {
            try await registry.resolve(Clinic_Auth_V1_AuthService.descriptor.fullName).count == 2
        }
        kill(victim.pid, SIGKILL)
        for _ in 0..<20 {
            let keys = try await auth.getSigningKeys(.init(), options: CallOptions(timeout: .seconds(30)))
            #expect(!keys.keys.isEmpty)
        }

        // The registry drops the dead instance's address (its lease expires, or the restarted
        // instance replaces it), and the supervisor brings auth-1 back as a new process.
        try await eventually("the registry dropped the dead address") {
            let live = try await registry.resolve(Clinic_Auth_V1_AuthService.descriptor.fullName)
            return !live.contains { $0.host == victimEndpoint.host && Int($0.port) == victimEndpoint.port }
        }
        guard let restartLine = await up.line(where: { $0.hasPrefix("restarted: auth-1 ") }),
            let restarted = StartLine(restartLine)
        else { throw IntegrationError("auth-1 was not restarted: \(up.lines)") }
        #expect(restarted.pid != victim.pid)
        #expect(up.lines.contains { $0.hasPrefix("exited: auth-1 pid=\(victim.pid) signal 9") })
        try await eventually("auth-1 is registered again") {
            let live = try await registry.resolve(Clinic_Auth_V1_AuthService.descriptor.fullName)
            return Set(live.map(\.instanceId)) == ["auth-1", "auth-2"]
                && !live.contains { $0.host == victimEndpoint.host && Int($0.port) == victimEndpoint.port }
        }
        let again = try await auth.login(
            .with {
                $0.email = "root@example.com"
                $0.password = password
            }, options: CallOptions(timeout: .seconds(60)))
        #expect(again.account?.id == login.account?.id)

        // SIGTERM stops everything cleanly: exit status 0 and no process left behind.
        clients.shutdown()
        registry.shutdown()
        up.signal(SIGTERM)
        let exit = await up.waitForExit()
        stopped = true
        #expect(exit.status == 0 && !exit.bySignal)
        let children = up.lines.compactMap(StartLine.init).map(\.pid)
        #expect(children.count == instances.count + 1)
        for pid in children { #expect(!isAlive(pid), "process \(pid) outlived clinic up") }
        #expect(!FileManager.default.fileExists(atPath: data + "/run/up.json"))
    }

    /// `rpc://127.0.0.1:4000` → 127.0.0.1:4000.
    static func endpoint(_ address: String) -> Endpoint? {
        guard let range = address.range(of: "://") else { return nil }
        return Endpoint(parsing: String(address[range.upperBound...]))
    }
}

/// Polls `condition` until it holds; the limit is a safety net against a hang, not a timing assertion.
func eventually(_ what: String, limit: Duration = .seconds(120), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw IntegrationError("never happened: \(what)")
}

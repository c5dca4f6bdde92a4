import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore
import RPCTransport

/// The platform `run.sh` started (`clinic up` on a temporary data folder): where its edge and
/// its services listen (from the `started:` lines `clinic up` printed), its certificates and
/// data folder, and typed clients that call a service directly over mTLS as the `cli`
/// identity — the same identity class as the edge (an outside caller's carrier, never trusted
/// as a service), so the service does the same work for both paths.
final class RunningPlatform: Sendable {
    let edgeURL: String
    let certificates: String
    let data: String
    /// `clinics` → (host, port) of its one instance.
    let services: [String: Endpoint]

    init(edgeURL: String, upLog: String, certificates: String, data: String) throws {
        self.edgeURL = edgeURL.hasSuffix("/") ? String(edgeURL.dropLast()) : edgeURL
        self.certificates = certificates
        self.data = data
        var services: [String: Endpoint] = [:]
        // started: clinics-1 pid=4242 rpc://127.0.0.1:40123  (a restarted: line replaces it)
        for line in try String(contentsOfFile: upLog, encoding: .utf8).split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 4, words[0] == "started:" || words[0] == "restarted:",
                let address = words.last, address.hasPrefix("rpc://")
            else { continue }
            let name = words[1].split(separator: "-").dropLast().joined(separator: "-")
            let hostPort = address.dropFirst("rpc://".count).split(separator: ":")
            guard hostPort.count == 2, let port = Int(hostPort[1]) else { continue }
            services[name] = Endpoint(host: String(hostPort[0]), port: port)
        }
        for needed in ["auth", "clinics", "doctors", "patients", "appointments"] where services[needed] == nil {
            throw BenchmarkError("\(upLog) names no address of \(needed)")
        }
        self.services = services
    }

    /// A new transport (one connection, opened on the first call) to `service`'s instance.
    func transport(to service: String) throws -> NIOClientTransport {
        guard let endpoint = services[service] else { throw BenchmarkError("no address of \(service)") }
        return try NIOClientTransport(
            host: endpoint.host, port: endpoint.port,
            tls: .identity("cli", in: certificates, role: .client, expectedPeer: .service(service)))
    }

    /// Call options as the edge sends them: its default 30 s deadline, the caller's token.
    static func options(token: String?) -> CallOptions {
        var options = CallOptions(timeout: .seconds(30))
        if let token { options.metadata.add("authorization", "Bearer \(token)") }
        return options
    }
}

/// Typed clients for the setup calls, one connection per service, made on first use.
final class SetupClients: @unchecked Sendable {
    private let platform: RunningPlatform
    private var transports: [String: NIOClientTransport] = [:]
    private let lock = NSLock()

    init(platform: RunningPlatform) { self.platform = platform }

    func caller(_ service: String) throws -> RPCClient {
        lock.lock()
        defer { lock.unlock() }
        if let transport = transports[service] { return RPCClient(transport: transport) }
        let transport = try platform.transport(to: service)
        transports[service] = transport
        return RPCClient(transport: transport)
    }

    var auth: Clinic_Auth_V1_AuthService.Client { get throws { .init(caller: try caller("auth")) } }
    var clinics: Clinic_Clinics_V1_ClinicService.Client { get throws { .init(caller: try caller("clinics")) } }
    var doctors: Clinic_Doctors_V1_DoctorService.Client { get throws { .init(caller: try caller("doctors")) } }
    var patients: Clinic_Patients_V1_PatientService.Client { get throws { .init(caller: try caller("patients")) } }
    var appointments: Clinic_Appointments_V1_AppointmentService.Client {
        get throws { .init(caller: try caller("appointments")) }
    }

    /// Logs in (over RPC: the edge's per-address login limit is not what is measured); the
    /// access token and the account id.
    func login(_ email: String, password: String) async throws -> (token: String, accountID: String) {
        var request = Clinic_Auth_V1_LoginRequest()
        request.email = email
        request.password = password
        let response = try await auth.login(request, options: RunningPlatform.options(token: nil))
        guard let token = response.tokens?.accessToken, !token.isEmpty else { throw BenchmarkError("login of \(email): no token") }
        return (token, response.account?.id ?? "")
    }

    func shutdown() {
        lock.lock()
        defer { lock.unlock() }
        for transport in transports.values { transport.beginGracefulShutdown() }
        transports.removeAll()
    }
}

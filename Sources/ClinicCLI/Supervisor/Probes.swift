import ClinicAPI
import Foundation
import RPCCore
import RPCTransport
import ServiceHost

/// The readiness checks of `clinic up`.
enum Probes {
    /// Asks the process at `endpoint` (which must be service `owner`) for its health until it
    /// answers SERVING, or `limit` runs out (a safety net; normally the first answer comes quickly).
    static func waitUntilServing(
        _ endpoint: Endpoint, owner: String, identity: ServiceIdentity, limit: Duration = .seconds(120)
    ) async throws {
        let transport = try NIOClientTransport(
            host: endpoint.host, port: endpoint.port, tls: identity.client(calling: owner),
            backoff: ReconnectBackoff(initial: .milliseconds(50), maximum: .milliseconds(500)))
        defer { transport.beginGracefulShutdown() }
        let health = Clinic_Health_V1_HealthService.Client(caller: RPCClient(transport: transport))
        let deadline = ContinuousClock.now + limit
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            do {
                let answer = try await health.check(Clinic_Health_V1_HealthCheckRequest(), options: CallOptions(timeout: .seconds(5)))
                if answer.status == .serving { return }
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError("\(owner) at \(endpoint) did not become healthy: \(lastError.map { "\($0)" } ?? "not serving")")
    }

    /// Waits until the registry lists every id of `instances` as SERVING.
    static func waitUntilRegistered(_ instances: Set<String>, registry: RegistryClient, limit: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + limit
        var missing = instances
        while ContinuousClock.now < deadline {
            if let listed = try? await registry.listInstances() {
                missing = instances.subtracting(listed.filter { $0.state == .serving }.map(\.instanceId))
                if missing.isEmpty { return }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError("not registered in time: \(missing.sorted().joined(separator: ", "))")
    }

    /// Waits until `GET http://host:port/v1/health` answers 200.
    static func waitUntilHTTPHealthy(host: String, port: Int, limit: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if await HTTPGet.status(host: host, port: port, path: "/v1/health") == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError("the edge at \(host):\(port) did not answer its health check")
    }
}

/// A minimal blocking HTTP/1.1 GET over a POSIX socket, for the edge's health check (no HTTP
/// client library is needed for one status line).
enum HTTPGet {
    /// The status code of `GET path`, nil when the connection or the answer fails.
    static func status(host: String, port: Int, path: String) async -> Int? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: blockingStatus(host: host, port: port, path: path)) }
        }
    }

    private static func blockingStatus(host: String, port: Int, path: String) -> Int? {
        let target = host == "0.0.0.0" ? "127.0.0.1" : host
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, target, &address.sin_addr) == 1 else { return nil }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(target):\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 12 else { return nil }
        // "HTTP/1.1 200 OK"
        let line = String(decoding: buffer[..<count], as: UTF8.self)
        let parts = line.split(separator: " ", maxSplits: 2)
        return parts.count >= 2 ? Int(parts[1]) : nil
    }
}

import ClinicAPI
import ClinicTLS
import Foundation
import InteropService
import Logging
import RPCCore
@testable import RPCTransport

/// An interop server on a loopback port (real TLS sockets) and a client connected to it.
final class InteropHarness: Sendable {
    let transport: NIOServerTransport
    let server: RPCServer
    let health: HealthService
    let pki: TestPKI
    private let serving: Task<Void, any Error>

    var port: Int { transport.port }

    private init(transport: NIOServerTransport, server: RPCServer, health: HealthService, pki: TestPKI) {
        self.transport = transport
        self.pki = pki
        self.server = server
        self.health = health
        serving = Task { try await server.serve() }
    }

    /// Starts a server with the interop and health services.
    static func start(
        settings: RPCConnectionSettings = RPCConnectionSettings(), services extra: [any RPCService] = [],
        interceptors: [any ServerInterceptor] = [], serverID: String = "interop"
    ) async throws -> InteropHarness {
        let pki = try await TestPKI.shared()
        let transport = try await NIOServerTransport.bind(host: "127.0.0.1", port: 0, tls: pki.server(), settings: settings)
        let health = HealthService(serving: [Clinic_Testing_V1_TestService.descriptor])
        let server = RPCServer(
            services: [InteropTestService(serverID: serverID), health] + extra, transports: [transport],
            interceptors: interceptors)
        return InteropHarness(transport: transport, server: server, health: health, pki: pki)
    }

    /// A client transport to this server.
    func clientTransport(settings: RPCConnectionSettings = RPCConnectionSettings(), name: String = "cli") throws
        -> NIOClientTransport
    {
        try NIOClientTransport(host: "127.0.0.1", port: port, tls: pki.client(name), settings: settings)
    }

    /// A typed interop client over a fresh transport.
    func testClient(interceptors: [any ClientInterceptor] = []) throws -> (Clinic_Testing_V1_TestService.Client, RPCClient) {
        let rpc = RPCClient(transport: try clientTransport(), interceptors: interceptors)
        return (Clinic_Testing_V1_TestService.Client(caller: rpc), rpc)
    }

    /// Graceful shutdown; waits (bounded) until `serve()` returned.
    func stop(grace: Duration = .seconds(5)) async throws {
        server.beginGracefulShutdown(gracePeriod: grace)
        try await withTimeout(seconds: 20) { [serving] in try await serving.value }
    }

    /// Stops at once (cancels serve()).
    func kill() async {
        serving.cancel()
        _ = try? await withTimeout(seconds: 20) { [serving] in try await serving.value }
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Runs `body`, failing with `TimedOut` after `seconds` (a safety net, never an assertion).
func withTimeout<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            throw TimedOut(description: "timed out after \(seconds) s")
        }
        defer { group.cancelAll() }
        // Force-unwrap: the group has two tasks, so next() returns at least once.
        return try await group.next()!
    }
}

/// Polls `condition` until it holds, failing after `seconds`.
func waitUntil(_ what: @autoclosure () -> String, seconds: Double = 20, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while !condition() {
        if ContinuousClock.now >= deadline { throw TimedOut(description: "timed out waiting for \(what())") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// A payload of `size` zero bytes.
func payload(_ size: Int) -> Clinic_Testing_V1_Payload {
    var payload = Clinic_Testing_V1_Payload()
    payload.body = [UInt8](repeating: 0, count: size)
    return payload
}

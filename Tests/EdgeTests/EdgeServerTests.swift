import Foundation
import Logging
import RPCCore
import Testing

@testable import Edge

/// Start-up and shutdown of the server itself.
@Suite struct EdgeServerTests {
    @Test func gracefulShutdownLetsTheRequestInFlightFinish() async throws {
        try await withEdge { edge in
            let client = try await edge.client()
            // The response waits 300 ms in the service; the shutdown starts meanwhile.
            try await client.write(
                .POST, "/rpc/clinic.testing.v1.TestService/StreamingOutputCall",
                body: Array(#"{"responseParameters": [{"size": 1, "intervalUs": 300000}]}"#.utf8))
            let idle = try await edge.client()
            // Shut down once the service is working on the request.
            for _ in 0..<1000 where edge.log.count == 0 { try await Task.sleep(for: .milliseconds(5)) }
            edge.edge.beginGracefulShutdown(gracePeriod: .seconds(30))
            // The idle connection is closed at once; the busy one gets its answer, then closes.
            #expect(await idle.waitForClose())
            let head = try #require(try await client.readHead())
            #expect(head.status.code == 200)
            var body = ""
            while let chunk = try await client.readChunk() { body += String(decoding: chunk, as: UTF8.self) }
            #expect(body.contains("event: end"))
            #expect(await client.waitForClose())
        }
    }

    /// NIO traps when an accepted connection is dropped unserved (apple/swift-nio#2813); the
    /// edge owns each one from its initializer. Connections keep arriving while the server
    /// stops, by a graceful shutdown and by cancelling its task: none may crash the process.
    @Test(arguments: [false, true])
    func connectionsArrivingWhileStoppingAreClosed(cancel: Bool) async throws {
        for round in 0..<40 {
            let edge = try EdgeServer(configuration: testConfiguration(), services: [], logger: Logger(label: "edge-test") { _ in
                SwiftLogNoOpLogHandler()
            }) { _ in UnusedCaller() }
            let running = Task { try await edge.run() }
            let port = try await edge.listeningPort()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<32 {
                    group.addTask {
                        // Refused once the listener is closed: that is fine; a crash is not. The
                        // request makes a connection the listener dropped mid-handshake learn it.
                        guard let client = try? await TestHTTPClient.connect(port: port) else { return }
                        try? await client.write(.GET, "/healthz")
                        _ = await client.waitForClose()
                    }
                }
                // Stop at a different moment each round, while connections are being accepted.
                try await Task.sleep(for: .microseconds(100 * (round % 10)))
                if cancel {
                    running.cancel()
                } else {
                    edge.beginGracefulShutdown(gracePeriod: .milliseconds(50))
                }
                _ = await running.result
                try await group.waitForAll()
            }
        }
    }

    @Test func malformedRouteIsAStartUpError() {
        let broken = ServiceCatalog(descriptor: MappingAPI.service, methods: [
            MethodCatalogEntry(
                MethodDescriptor(
                    service: MappingAPI.service.fullName, method: "Broken", kind: .unary, policy: MappingAPI.open,
                    http: HTTPRoute(method: "GET", path: "/v1/echo/{no_such_field}", body: "")),
                input: TestAllTypes.self, output: TestAllTypes.self),
        ])
        #expect(throws: EdgeSetupError.self) {
            _ = try EdgeServer(configuration: testConfiguration(), services: [broken]) { _ in UnusedCaller() }
        }
    }

    @Test func bindFailureIsReported() async throws {
        try await withEdge { edge in
            let second = try EdgeServer(configuration: testConfiguration { $0.port = edge.port }, services: []) { _ in UnusedCaller() }
            await #expect(throws: (any Error).self) { try await second.run() }
            await #expect(throws: (any Error).self) { _ = try await second.listeningPort() }
        }
    }
}

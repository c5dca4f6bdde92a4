import ClinicAPI
import ClinicTLS
import Foundation
import InteropService
import NIOCore
import NIOPosix
import RPCCore
@testable import RPCTransport
@testable import RPCWire
import Synchronization
import Testing
import WellKnownTypes

/// Shutdown, failover, backpressure, deadlines across hops, keepalive and limits, over real
/// TLS sockets on loopback.
extension SocketTests {
    @Suite("Transport behaviour over TLS", .timeLimit(.minutes(2)))
    struct TransportBehaviourTests {
        private func streamingRequest(count: Int, size: Int32, intervalUs: Int32 = 0) -> Clinic_Testing_V1_StreamingOutputCallRequest {
            var request = Clinic_Testing_V1_StreamingOutputCallRequest()
            request.responseParameters = (0..<count).map { _ in
                var parameters = Clinic_Testing_V1_ResponseParameters()
                parameters.size = size
                parameters.intervalUs = intervalUs
                return parameters
            }
            return request
        }

        @Test func gracefulShutdownLetsCallsInFlightFinish() async throws {
            let harness = try await InteropHarness.start()
            let (client, _) = try harness.testClient()
            let started = AsyncStream<Void>.makeStream()
            let request = streamingRequest(count: 5, size: 100, intervalUs: 100_000)
            let call = Task {
                try await client.streamingOutputCall(request) { responses in
                    var count = 0
                    for try await _ in responses {
                        count += 1
                        started.continuation.yield()
                    }
                    return count
                }
            }
            var iterator = started.stream.makeAsyncIterator()
            _ = await iterator.next()
            // The server drains while the call is in flight: GOAWAY, the call finishes, then close.
            try await harness.stop(grace: .seconds(30))
            #expect(try await withTimeout(seconds: 20) { try await call.value } == 5)
            // Nothing listens any more.
            let error = await #expect(throws: RPCError.self) {
                _ = try await withTimeout(seconds: 20) { try await client.emptyCall(Google_Protobuf_Empty()) }
            }
            #expect(error?.code == .unavailable)
        }

        @Test func thePoolFailsOverWhenAServerIsKilled() async throws {
            let first = try await InteropHarness.start(serverID: "a")
            let second = try await InteropHarness.start(serverID: "b")
            let transport = try PooledClientTransport(
                endpoints: StaticEndpointSource([
                    Endpoint(host: "127.0.0.1", port: first.port), Endpoint(host: "127.0.0.1", port: second.port),
                ]),
                tls: await TestPKI.shared().client(), backoff: ReconnectBackoff(initial: .milliseconds(50)))
            let client = Clinic_Testing_V1_TestService.Client(caller: RPCClient(transport: transport))
            var request = Clinic_Testing_V1_SimpleRequest()
            request.fillServerId = true
            let sent = request
            // Both are used once both are connected.
            var seen: Set<String> = []
            try await withTimeout(seconds: 30) {
                var seen: Set<String> = []
                while seen.count < 2 { seen.insert(try await client.unaryCall(sent).serverId) }
            }
            for _ in 0..<10 { seen.insert(try await withTimeout(seconds: 20) { try await client.unaryCall(sent).serverId }) }
            #expect(seen == ["a", "b"])
            await first.kill()
            // Every call still succeeds (on b): the dead endpoint is skipped while it reconnects.
            var after: [String] = []
            for _ in 0..<20 { after.append(try await withTimeout(seconds: 20) { try await client.unaryCall(sent).serverId }) }
            #expect(after.allSatisfy { $0 == "b" })
            transport.beginGracefulShutdown()
            try await second.stop()
        }

        @Test func aSlowReaderHoldsBackAFastWriter() async throws {
            let service = CountingTestService()
            let pki = try await TestPKI.shared()
            let serverTransport = try await NIOServerTransport.bind(tls: pki.server())
            let server = RPCServer(services: [service], transports: [serverTransport])
            let serving = Task { try await server.serve() }
            let window = 4
            let transport = try NIOClientTransport(
                host: "127.0.0.1", port: serverTransport.port, tls: pki.client(), settings: RPCConnectionSettings(initialWindow: window))
            let client = Clinic_Testing_V1_TestService.Client(caller: RPCClient(transport: transport))
            let firstRead = AsyncStream<Void>.makeStream()
            let resume = AsyncStream<Void>.makeStream()
            let request = streamingRequest(count: 200, size: 1_000)
            let call = Task {
                try await client.streamingOutputCall(request) { responses in
                    var count = 0
                    var gate = resume.stream.makeAsyncIterator()
                    for try await _ in responses {
                        count += 1
                        if count == 1 {
                            firstRead.continuation.yield()
                            _ = await gate.next()
                        }
                    }
                    return count
                }
            }
            var iterator = firstRead.stream.makeAsyncIterator()
            _ = await iterator.next()
            try await waitUntil("the writer to use its credit") { service.written.load(ordering: .relaxed) >= window }
            // The reader is paused: whatever time passes, the writer cannot get further than the window.
            try await Task.sleep(for: .milliseconds(300))
            #expect(service.written.load(ordering: .relaxed) <= window)
            resume.continuation.yield()
            #expect(try await withTimeout(seconds: 20) { try await call.value } == 200)
            #expect(service.written.load(ordering: .relaxed) == 200)
            server.beginGracefulShutdown()
            _ = try await withTimeout(seconds: 20) { try await serving.value }
        }

        @Test func deadlinesAndCancellationReachDownstreamCalls() async throws {
            let recorder = CallRecorder()
            let pki = try await TestPKI.shared()
            let serverTransport = try await NIOServerTransport.bind(tls: pki.server())
            // The relay calls the sleeping method on this same server, over the network.
            let downstream = Clinic_Testing_V1_TestService.Client(
                caller: RPCClient(transport: try NIOClientTransport(host: "127.0.0.1", port: serverTransport.port, tls: pki.client())))
            let server = RPCServer(
                services: [InteropTestService(), HealthService(), RelayService(downstream: downstream)], transports: [serverTransport],
                interceptors: [recorder])
            let serving = Task { try await server.serve() }
            let relay = Clinic_Testing_V1_UnimplementedService.Client(
                caller: RPCClient(transport: try NIOClientTransport(host: "127.0.0.1", port: serverTransport.port, tls: pki.client())))
            // Both connections up first, so the deadline is spent sleeping, not handshaking.
            _ = try await withTimeout(seconds: 20) { try await downstream.emptyCall(Google_Protobuf_Empty()) }
            _ = try await withTimeout(seconds: 20) {
                try await Clinic_Health_V1_HealthService.Client(caller: relay.caller).list(Clinic_Health_V1_HealthListRequest())
            }
            let error = await #expect(throws: RPCError.self) {
                _ = try await withTimeout(seconds: 20) {
                    try await relay.unimplementedCall(Google_Protobuf_Empty(), options: CallOptions(timeout: .seconds(3)))
                }
            }
            #expect(error?.code == .deadlineExceeded)
            try await waitUntil("both handlers to end") { recorder.all.count == 4 && recorder.all.allSatisfy { $0.outcome != nil } }
            let outer = try #require(recorder.calls(to: "UnimplementedCall").first)
            let inner = try #require(recorder.calls(to: "FullDuplexCall").first)
            // The downstream call inherited the deadline (no later than the caller's: time left is sent).
            #expect(try #require(inner.deadline) <= (try #require(outer.deadline)) + .milliseconds(50))
            // Both handlers were stopped, not left sleeping.
            #expect(outer.outcome == "deadline_exceeded" || outer.outcome == "cancelled")
            #expect(inner.outcome == "deadline_exceeded" || inner.outcome == "cancelled")
            server.beginGracefulShutdown()
            _ = try await withTimeout(seconds: 20) { try await serving.value }
        }

        @Test func messagesOverThePeersLimitFailTheCallNotTheConnection() async throws {
            let harness = try await InteropHarness.start(settings: RPCConnectionSettings(maxMessageSize: 64 * 1024))
            let transport = try harness.clientTransport(settings: RPCConnectionSettings(maxMessageSize: 32 * 1024))
            let client = Clinic_Testing_V1_TestService.Client(caller: RPCClient(transport: transport))
            // A request over the server's limit never leaves the client.
            var big = Clinic_Testing_V1_SimpleRequest()
            big.payload = payload(100 * 1024)
            let tooBig = big
            let sending = await #expect(throws: RPCError.self) { _ = try await withTimeout(seconds: 20) { try await client.unaryCall(tooBig) } }
            #expect(sending?.code == .resourceExhausted)
            // A response over the client's limit fails that call at the server.
            var request = Clinic_Testing_V1_SimpleRequest()
            request.responseSize = 40 * 1024
            let sent = request
            let receiving = await #expect(throws: RPCError.self) { _ = try await withTimeout(seconds: 20) { try await client.unaryCall(sent) } }
            #expect(receiving?.code == .resourceExhausted)
            // The connection is fine.
            #expect(try await withTimeout(seconds: 20) { try await client.emptyCall(Google_Protobuf_Empty()) } == Google_Protobuf_Empty())
            try await harness.stop()
        }

        @Test func aSilentServerIsDetectedByKeepalive() async throws {
            let silent = try await SilentServer.start()
            let transport = try NIOClientTransport(
                host: "127.0.0.1", port: silent.port, tls: await TestPKI.shared().client(),
                settings: RPCConnectionSettings(keepaliveInterval: .milliseconds(200), keepaliveTimeout: .milliseconds(300)))
            let client = Clinic_Testing_V1_TestService.Client(caller: RPCClient(transport: transport))
            let error = await #expect(throws: RPCError.self) {
                _ = try await withTimeout(seconds: 20) { try await client.emptyCall(Google_Protobuf_Empty()) }
            }
            #expect(error?.code == .unavailable)
            await silent.stop()
        }

        @Test func healthAnswersPerService() async throws {
            let harness = try await InteropHarness.start()
            let health = Clinic_Health_V1_HealthService.Client(caller: RPCClient(transport: try harness.clientTransport()))
            var request = Clinic_Health_V1_HealthCheckRequest()
            request.service = Clinic_Testing_V1_TestService.descriptor.fullName
            let known = request
            #expect(try await withTimeout(seconds: 20) { try await health.check(known) }.status == .serving)
            harness.health.setStatus(.notServing, for: known.service)
            #expect(try await withTimeout(seconds: 20) { try await health.check(known) }.status == .notServing)
            request.service = "clinic.nothing.v1.Nothing"
            let unknown = request
            let error = await #expect(throws: RPCError.self) { _ = try await withTimeout(seconds: 20) { try await health.check(unknown) } }
            #expect(error?.code == .notFound)
            let list = try await withTimeout(seconds: 20) { try await health.list(Clinic_Health_V1_HealthListRequest()) }
            #expect(list.statuses[""]?.status == .serving)
            try await harness.stop()
        }
    }
}

/// A TLS server that sends its SETTINGS (allowing pings at any rate) and then never reads or
/// answers again: a dead peer behind a live socket.
struct SilentServer {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    static func start() async throws -> SilentServer {
        var tls = try await TestPKI.shared().server()
        tls.applicationProtocols = [WireProtocol.alpnIdentifier]
        let context = try TLSContext(configuration: tls)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TLSHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(SettingsThenSilence())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return SilentServer(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }
}

private final class SettingsThenSilence: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        var buffer = ByteBuffer()
        _ = try? buffer.writeFrame(.settings(WireLimits(minPingInterval: .zero)))
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

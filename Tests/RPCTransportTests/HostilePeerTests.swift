import ClinicAPI
import Foundation
import InteropService
import NIOCore
import RPCCore
@testable import RPCTransport
@testable import RPCWire
import Testing
import WellKnownTypes

/// Peers that break the protocol, each against a real TLS server; after each, the server must
/// still serve a well-behaved client.
extension SocketTests {
    @Suite("Hostile peers", .timeLimit(.minutes(2)))
    struct HostilePeerTests {
        /// Short timers so that stalls are detected quickly (safety nets, not assertions).
        static let settings = RPCConnectionSettings(
            maxConcurrentStreams: 4, minPingInterval: .zero, keepaliveInterval: .milliseconds(200),
            keepaliveTimeout: .milliseconds(300), handshakeTimeout: .seconds(5))

        /// A client's SETTINGS that allows pings at any rate.
        static let clientSettings = Frame.settings(WireLimits(minPingInterval: .zero))

        static func bytes(of frames: [Frame]) -> [UInt8] {
            var buffer = ByteBuffer()
            for frame in frames { _ = try? buffer.writeFrame(frame) }
            return Array(buffer.readableBytesView)
        }

        private func expectStillServing(_ harness: InteropHarness) async throws {
            let (client, _) = try harness.testClient()
            let response = try await withTimeout(seconds: 20) { try await client.emptyCall(Google_Protobuf_Empty()) }
            #expect(response == Google_Protobuf_Empty())
        }

        private func callStart(_ id: UInt32, method: String = "clinic.testing.v1.TestService/FullDuplexCall") -> Frame {
            .callStart(
                streamID: StreamID(id),
                payload: CallPayloads.encodeCallStart(.init(method: method, timeoutMicros: nil, metadata: [:]), allocator: .init()))
        }

        @Test func randomBytesAfterHandshake() async throws {
            let harness = try await InteropHarness.start(settings: Self.settings)
            let peer = try await RawTLSPeer.connect(port: harness.port, tls: TestPKI.shared().client())
            var generator = SystemRandomNumberGenerator()
            try await peer.send((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
            try await peer.waitForClose()
            #expect(peer.goAway.map { $0.code != .noError } ?? true)
            try await expectStillServing(harness)
            try await harness.stop()
        }

        @Test func truncatedFrameThenSilenceIsClosedByTheIdleTimeout() async throws {
            let harness = try await InteropHarness.start(settings: Self.settings)
            let peer = try await RawTLSPeer.connect(port: harness.port, tls: TestPKI.shared().client())
            // SETTINGS, then five bytes of a MESSAGE header, then nothing: no complete frame ever arrives.
            try await peer.send(Self.bytes(of: [Self.clientSettings]) + [0x00, 0x00, 0x01, 0x00, 0x04])
            try await peer.waitForClose()
            #expect(peer.frames.first?.type == .settings)
            #expect(peer.frames.contains { $0.type == .ping })
            try await expectStillServing(harness)
            try await harness.stop()
        }

        @Test func fourGigabyteLengthIsRejectedBeforeAllocating() async throws {
            let harness = try await InteropHarness.start(settings: Self.settings)
            let peer = try await RawTLSPeer.connect(port: harness.port, tls: TestPKI.shared().client())
            // After SETTINGS, a header alone: a payload of 4 GiB - 1 that never comes.
            try await peer.send(Self.bytes(of: [Self.clientSettings]) + [0xFF, 0xFF, 0xFF, 0xFF, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01])
            try await peer.waitForClose()
            #expect(peer.goAway?.code == .frameSizeError)
            try await expectStillServing(harness)
            try await harness.stop()
        }

        @Test func unknownFrameType() async throws {
            let harness = try await InteropHarness.start(settings: Self.settings)
            let peer = try await RawTLSPeer.connect(port: harness.port, tls: TestPKI.shared().client())
            try await peer.send([Self.clientSettings, Frame(type: FrameType(rawValue: 0x42), streamID: .connection)])
            try await peer.waitForClose()
            #expect(peer.goAway?.code == .unknownFrameType)
            try await expectStillServing(harness)
            try await harness.stop()
        }

        @Test func reusedStreamID() async throws {
            let harness = try await InteropHarness.start(settings: Self.settings)
            let peer = try await RawTLSPeer.connect(port: harness.port, tls: TestPKI.shared().client())
            try await peer.send([Self.clientSettings, callStart(1), callStart(1)])
            try await peer.waitForClose()
            #expect(peer.goAway?.code == .streamIDError)
            #expect(peer.goAway?.lastStreamID == 1)
            try await expectStillServing(harness)
            try await harness.stop()
        }

        @Test func outOfOrderStreamID() async throws {
            let harness = try await InteropHarness.start(settings: Self.settings)
            let peer = try await RawTLSPeer.connect(port: harness.port, tls: TestPKI.shared().client())
            try await peer.send([Self.clientSettings, callStart(5), callStart(3)])
            try await peer.waitForClose()
            #expect(peer.goAway?.code == .streamIDError)
            try await expectStillServing(harness)
            try await harness.stop()
        }

        @Test func moreStreamsThanAllowed() async throws {
            let harness = try await InteropHarness.start(settings: Self.settings)
            let peer = try await RawTLSPeer.connect(port: harness.port, tls: TestPKI.shared().client())
            // The server allows 4 open calls; these stay open (no END_STREAM).
            try await peer.send([Self.clientSettings] + [1, 3, 5, 7, 9].map { callStart($0) })
            try await peer.waitForClose()
            #expect(peer.goAway?.code == .tooManyStreams)
            try await expectStillServing(harness)
            try await harness.stop()
        }

        @Test func plaintextClient() async throws {
            let harness = try await InteropHarness.start(settings: Self.settings)
            let answer = try await plaintextExchange(
                port: harness.port, bytes: Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
            // No frame, no SETTINGS: at most a TLS alert record (content type 21).
            #expect(answer.isEmpty || answer.first == 0x15)
            try await expectStillServing(harness)
            try await harness.stop()
        }

        @Test func wellBehavedSClientGetsSettings() async throws {
            // The control for the two cases below: a valid certificate gets the server's SETTINGS.
            let harness = try await InteropHarness.start(settings: Self.settings)
            let pki = try await TestPKI.shared()
            let result = try await runSClient(
                port: harness.port,
                arguments: ["-tls1_3", "-alpn", "clinic-rpc/1", "-cert", pki.file("cli.pem"), "-key", pki.file("cli.key"),
                            "-CAfile", pki.file("ca.pem")])
            #expect(result.receivedSettings)
            try await harness.stop()
        }

        @Test func clientCertificateFromAnotherCA() async throws {
            let harness = try await InteropHarness.start(settings: Self.settings)
            let pki = try await TestPKI.shared()
            let result = try await runSClient(
                port: harness.port,
                arguments: ["-tls1_3", "-alpn", "clinic-rpc/1", "-cert", pki.rogueFile("cli.pem"), "-key", pki.rogueFile("cli.key"),
                            "-CAfile", pki.file("ca.pem")])
            #expect(!result.receivedSettings)
            try await expectStillServing(harness)
            try await harness.stop()
        }

        @Test func tls12OnlyClient() async throws {
            let harness = try await InteropHarness.start(settings: Self.settings)
            let pki = try await TestPKI.shared()
            let result = try await runSClient(
                port: harness.port,
                arguments: ["-tls1_2", "-alpn", "clinic-rpc/1", "-cert", pki.file("cli.pem"), "-key", pki.file("cli.key"),
                            "-CAfile", pki.file("ca.pem")])
            #expect(result.exitStatus != 0)
            #expect(!result.receivedSettings)
            try await expectStillServing(harness)
            try await harness.stop()
        }
    }
}

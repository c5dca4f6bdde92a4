@testable import ClinicTLS
import NIOCore
import NIOEmbedded
import Testing

/// In-memory handshakes between two `EmbeddedChannel`s: the happy path and data flow.
@Suite("TLSHandler back to back")
struct TLSHandlerTests {
    let pki: TestPKI

    init() async throws { pki = try await TestPKI.shared() }

    @Test("mutual TLS 1.3 with ALPN reports both identities")
    func mutualHandshake() throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server())
        defer { pair.finish() }
        try pair.handshake()

        let client = try #require(pair.clientRecorder.handshake)
        let server = try #require(pair.serverRecorder.handshake)
        #expect(client.applicationProtocol == TestPKI.alpn)
        #expect(server.applicationProtocol == TestPKI.alpn)
        #expect(client.cipherSuite.hasPrefix("TLS_"))
        #expect(client.peer?.serviceName == "auth")
        #expect(client.peer?.commonName == "auth")
        #expect(server.peer?.spiffeID == "spiffe://clinic/cli")
        #expect(server.peer?.dnsNames == ["localhost", "cli.clinic.internal"])
        #expect(server.peer?.ipAddresses == ["127.0.0.1"])
        #expect(pair.clientRecorder.errors.isEmpty && pair.serverRecorder.errors.isEmpty)
        #expect(pair.client.isActive && pair.server.isActive)
    }

    @Test("data flows both ways, including a 1 MiB write sent as one buffer")
    func dataBothWays() throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server())
        defer { pair.finish() }
        try pair.handshake()

        let big = patternBytes(1 << 20)
        try pair.client.writeAndFlush(ByteBuffer(bytes: big)).wait()
        let ciphertext = try pair.drainOutbound(pair.client)
        #expect(ciphertext.count == 1)
        for buffer in ciphertext { try pair.server.writeInbound(buffer) }
        #expect(pair.serverRecorder.received.readableBytesView.elementsEqual(big))

        try pair.server.writeAndFlush(ByteBuffer(string: "pong")).wait()
        try pair.pump()
        #expect(pair.clientRecorder.received.readableBytesView.elementsEqual(Array("pong".utf8)))
    }

    @Test("ciphertext arriving in pieces, down to one byte at a time, decrypts whole")
    func ciphertextInPieces() throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server())
        defer { pair.finish() }
        try pair.handshake()
        let message = patternBytes(40_000)
        try pair.client.writeAndFlush(ByteBuffer(bytes: message)).wait()
        var ciphertext = ByteBuffer()
        for var buffer in try pair.drainOutbound(pair.client) { ciphertext.writeBuffer(&buffer) }
        // Cut into pieces of 1, 2, 3, ... bytes, then the rest: every piece after the first is
        // appended to bytes OpenSSL has not read yet (partial records).
        var size = 1
        while ciphertext.readableBytes > 0 {
            let piece = ciphertext.readSlice(length: min(size, ciphertext.readableBytes))!
            try pair.server.writeInbound(piece)
            size = size < 300 ? size + 1 : ciphertext.readableBytes
        }
        #expect(pair.serverRecorder.received.readableBytesView.elementsEqual(message))
        #expect(pair.serverRecorder.errors.isEmpty)
    }

    @Test("small writes until a flush become one buffer and one record")
    func coalescesWrites() throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server())
        defer { pair.finish() }
        try pair.handshake()

        var expected: [UInt8] = []
        var promises: [EventLoopFuture<Void>] = []
        for index in 0..<100 {
            let bytes = patternBytes(64, seed: UInt8(index))
            expected += bytes
            promises.append(pair.client.write(ByteBuffer(bytes: bytes)))
        }
        #expect(try pair.drainOutbound(pair.client).isEmpty)  // nothing leaves before the flush
        pair.client.flush()
        let ciphertext = try pair.drainOutbound(pair.client)
        #expect(ciphertext.count == 1)
        let records = tlsRecords(in: ciphertext[0])
        #expect(records.count == 1)
        #expect(records.first?.type == 23)  // application_data
        for promise in promises { try promise.wait() }

        try pair.server.writeInbound(ciphertext[0])
        #expect(pair.serverRecorder.received.readableBytesView.elementsEqual(expected))
    }

    @Test("mixed write sizes are cut into whole records", arguments: [1, 100, 16_384, 40_000])
    func mixedSizes(firstSize: Int) throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server())
        defer { pair.finish() }
        try pair.handshake()

        let first = patternBytes(firstSize, seed: 1)
        let second = patternBytes(40_000, seed: 2)
        pair.client.write(ByteBuffer(bytes: first), promise: nil)
        pair.client.write(ByteBuffer(), promise: nil)  // empty writes are fine
        pair.client.write(ByteBuffer(bytes: second), promise: nil)
        pair.client.flush()
        let ciphertext = try pair.drainOutbound(pair.client)
        #expect(ciphertext.count == 1)
        let records = try #require(ciphertext.first.map(tlsRecords(in:)))
        let total = firstSize + 40_000
        #expect(records.count == (total + 16_383) / 16_384)
        for buffer in ciphertext { try pair.server.writeInbound(buffer) }
        #expect(pair.serverRecorder.received.readableBytesView.elementsEqual(first + second))
    }

    @Test("writes made during the handshake are sent once it completes")
    func writesBeforeHandshake() throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server())
        defer { pair.finish() }
        let written = pair.client.writeAndFlush(ByteBuffer(string: "early"))
        try pair.handshake()
        try written.wait()
        #expect(pair.serverRecorder.received.readableBytesView.elementsEqual(Array("early".utf8)))
    }

    @Test("close sends close_notify; the peer answers and both close without errors")
    func cleanClose() throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server())
        defer { pair.finish() }
        try pair.handshake()

        let unflushed = pair.client.write(ByteBuffer(string: "never flushed"))
        let closed = pair.client.close()
        try pair.pump()
        try closed.wait()
        #expect(throws: TLSError.self) { try unflushed.wait() }
        #expect(!pair.client.isActive && !pair.server.isActive)
        #expect(pair.serverRecorder.inactive && pair.clientRecorder.inactive)
        #expect(pair.clientRecorder.errors.isEmpty && pair.serverRecorder.errors.isEmpty)
        #expect(pair.serverRecorder.received.readableBytes == 0)

        let late = pair.client.writeAndFlush(ByteBuffer(string: "late"))
        #expect(throws: (any Error).self) { try late.wait() }
    }

    @Test("the peer going away without close_notify is reported as an I/O error")
    func uncleanClose() throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server())
        defer { pair.finish() }
        try pair.handshake()
        pair.client.pipeline.fireChannelInactive()
        #expect(pair.clientRecorder.errors.map(\.code) == [.ioError])
    }
}

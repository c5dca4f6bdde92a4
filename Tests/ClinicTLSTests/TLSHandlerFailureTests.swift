@testable import ClinicTLS
import NIOCore
import NIOEmbedded
import Testing

/// In-memory handshakes that must fail: each side gets a typed error and closes, nothing crashes.
@Suite("TLSHandler failures")
struct TLSHandlerFailureTests {
    let pki: TestPKI

    init() async throws { pki = try await TestPKI.shared() }

    /// Runs a handshake expected to fail and checks the error codes each side reports.
    private func expectFailure(
        client: TLSConfiguration,
        server: TLSConfiguration,
        clientExpects: TLSExpectedPeer? = nil,
        clientCode: TLSError.Code,
        serverCode: TLSError.Code,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> BackToBack {
        let pair = try BackToBack(client: client, server: server, clientExpects: clientExpects)
        try pair.handshake()
        #expect(pair.clientRecorder.errors.map(\.code) == [clientCode], sourceLocation: sourceLocation)
        #expect(pair.serverRecorder.errors.map(\.code) == [serverCode], sourceLocation: sourceLocation)
        #expect(!pair.client.isActive && !pair.server.isActive, sourceLocation: sourceLocation)
        #expect(pair.serverRecorder.handshake == nil, sourceLocation: sourceLocation)
        return pair
    }

    @Test("a client certificate from another CA is rejected on both sides")
    func clientFromOtherCA() throws {
        let pair = try expectFailure(
            client: pki.rogueClient(), server: pki.server(), clientCode: .certificateRejected, serverCode: .unknownCA
        )
        defer { pair.finish() }
        // TLS 1.3: the client finished its handshake before the server said no.
        #expect(pair.clientRecorder.handshake != nil)
        #expect(pair.clientRecorder.errors[0].message.contains("unknown ca"))
        #expect(pair.serverRecorder.errors[0].message.contains("not signed by a trusted CA"))
    }

    @Test("a server certificate from another CA is rejected by the client")
    func serverFromOtherCA() throws {
        let rogueServer = TLSConfiguration.server(
            certificateChain: .file(pki.rogue + "/cli.pem"), privateKey: .file(pki.rogue + "/cli.key"),
            trustRoots: .file(pki.platform + "/ca.pem"), applicationProtocols: [TestPKI.alpn]
        )
        let pair = try expectFailure(
            client: pki.client(expectedPeer: nil), server: rogueServer, clientCode: .unknownCA,
            serverCode: .certificateRejected
        )
        pair.finish()
    }

    @Test("a client without a certificate is rejected")
    func noClientCertificate() throws {
        let pair = try expectFailure(
            client: pki.anonymousClient(), server: pki.server(), clientCode: .certificateRejected,
            serverCode: .certificateRequired
        )
        pair.finish()
    }

    @Test("a server with optional verification accepts a client without a certificate")
    func optionalClientCertificate() throws {
        var server = pki.server()
        server.peerVerification = .optional
        let pair = try BackToBack(client: pki.anonymousClient(), server: server)
        defer { pair.finish() }
        try pair.handshake()
        #expect(pair.serverRecorder.handshake != nil)
        #expect(pair.serverRecorder.handshake?.peer == nil)
        #expect(pair.clientRecorder.errors.isEmpty && pair.serverRecorder.errors.isEmpty)
    }

    @Test("expected hostnames that the server certificate names are accepted",
          arguments: ["localhost", "auth.clinic.internal", "127.0.0.1"])
    func hostnameMatch(hostname: String) throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server(), clientExpects: .hostname(hostname))
        defer { pair.finish() }
        try pair.handshake()
        #expect(pair.clientRecorder.handshake != nil)
        #expect(pair.clientRecorder.errors.isEmpty && pair.serverRecorder.errors.isEmpty)
    }

    @Test("a hostname the server certificate does not name fails the handshake",
          arguments: ["billing.clinic.internal", "10.0.0.1", "auth.clinic.internal.evil"])
    func hostnameMismatch(hostname: String) throws {
        let pair = try expectFailure(
            client: pki.client(), server: pki.server(), clientExpects: .hostname(hostname),
            clientCode: .hostnameMismatch, serverCode: .certificateRejected
        )
        pair.finish()
    }

    @Test("a server with another service identity fails the handshake")
    func identityMismatch() throws {
        let pair = try expectFailure(
            client: pki.client(expectedPeer: .service("billing")), server: pki.server(),
            clientCode: .identityMismatch, serverCode: .certificateRejected
        )
        defer { pair.finish() }
        #expect(pair.clientRecorder.errors[0].message.contains("spiffe://clinic/billing"))
    }

    @Test("a server expecting a client identity rejects another one")
    func serverExpectsClientIdentity() throws {
        let pair = try expectFailure(
            client: pki.client(), server: pki.server(expectedPeer: .service("edge")),
            clientCode: .certificateRejected, serverCode: .identityMismatch
        )
        pair.finish()

        let accepted = try BackToBack(client: pki.client("edge"), server: pki.server(expectedPeer: .service("edge")))
        defer { accepted.finish() }
        try accepted.handshake()
        #expect(accepted.serverRecorder.handshake?.peer?.serviceName == "edge")
    }

    @Test("no ALPN protocol in common fails the handshake on both sides")
    func alpnMismatch() throws {
        let pair = try expectFailure(
            client: pki.client(alpn: ["clinic-test/2"]), server: pki.server(alpn: ["clinic-test/1"]),
            clientCode: .alpnMismatch, serverCode: .alpnMismatch
        )
        defer { pair.finish() }
        #expect(pair.serverRecorder.errors[0].message.contains("clinic-test/2"))
    }

    @Test("a client offering no ALPN to a server that uses it fails")
    func alpnMissing() throws {
        let pair = try expectFailure(
            client: pki.client(alpn: []), server: pki.server(), clientCode: .alpnMismatch, serverCode: .alpnMismatch
        )
        pair.finish()
    }

    @Test("a server without ALPN fails a client that needs it")
    func serverWithoutALPN() throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server(alpn: []))
        defer { pair.finish() }
        try pair.handshake()
        #expect(pair.clientRecorder.errors.map(\.code) == [.alpnMismatch])
        #expect(!pair.client.isActive)
        // The client withheld its Finished: for the server the handshake never completed.
        #expect(pair.serverRecorder.handshake == nil)
        pair.server.pipeline.fireChannelInactive()
        #expect(pair.serverRecorder.errors.map(\.code) == [.ioError])
    }

    @Test("the server's ALPN preference wins")
    func alpnServerPreference() throws {
        let pair = try BackToBack(client: pki.client(alpn: ["a", "b", "c"]), server: pki.server(alpn: ["c", "b"]))
        defer { pair.finish() }
        try pair.handshake()
        #expect(pair.clientRecorder.handshake?.applicationProtocol == "c")
        #expect(pair.serverRecorder.handshake?.applicationProtocol == "c")
    }

    @Test("garbage instead of a ClientHello gives an error and a close, no crash",
          arguments: [
            Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
            [0x16, 0x03, 0x01, 0xFF, 0xFF] + [UInt8](repeating: 0xAB, count: 64),
            patternBytes(4096, seed: 7),
            [0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00],
          ])
    func garbageClientHello(bytes: [UInt8]) throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server())
        defer { pair.finish() }
        try pair.server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try pair.inject(bytes, into: pair.server)
        #expect(pair.serverRecorder.errors.count == 1)
        let code = try #require(pair.serverRecorder.errors.first?.code)
        #expect([TLSError.Code.notTLS, .handshakeFailed].contains(code))
        #expect(!pair.server.isActive)
        // OpenSSL answers with an alert when it could parse a record, and with nothing otherwise.
        for buffer in try pair.drainOutbound(pair.server) {
            #expect(tlsRecords(in: buffer).allSatisfy { $0.type == 21 })
        }
        // More bytes after the failure are ignored.
        try pair.inject(patternBytes(100), into: pair.server)
        #expect(pair.serverRecorder.errors.count == 1)
    }

    @Test("a plaintext HTTP request is reported as not TLS")
    func plaintextHTTP() throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server())
        defer { pair.finish() }
        try pair.server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try pair.inject(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), into: pair.server)
        #expect(pair.serverRecorder.errors.map(\.code) == [.notTLS])
    }

    @Test("garbage after the handshake is a protocol violation and closes the connection")
    func garbageAfterHandshake() throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server())
        defer { pair.finish() }
        try pair.handshake()
        try pair.inject([0x17, 0x03, 0x03, 0x00, 0x20] + patternBytes(32), into: pair.server)
        #expect(pair.serverRecorder.errors.map(\.code) == [.protocolViolation])
        #expect(!pair.server.isActive)
        let failed = pair.server.writeAndFlush(ByteBuffer(string: "x"))
        #expect(throws: (any Error).self) { try failed.wait() }
    }

    @Test("the connection closing mid-handshake is an I/O error")
    func closedDuringHandshake() throws {
        let pair = try BackToBack(client: pki.client(), server: pki.server())
        defer { pair.finish() }
        let pending = pair.client.write(ByteBuffer(string: "queued"))
        try pair.client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        pair.client.pipeline.fireChannelInactive()
        #expect(pair.clientRecorder.errors.map(\.code) == [.ioError])
        #expect(throws: TLSError.self) { try pending.wait() }
    }
}

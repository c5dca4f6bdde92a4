@testable import ClinicTLS
import Foundation
import NIOCore
import Testing

/// Building contexts from configurations: PEM files and bytes, and every way it can be wrong.
@Suite("TLSContext")
struct TLSContextTests {
    let pki: TestPKI

    init() async throws { pki = try await TestPKI.shared() }

    private func pem(_ file: String) throws -> String {
        try String(contentsOfFile: pki.platform + "/" + file, encoding: .utf8)
    }

    private func expectConfigurationError(
        _ configuration: TLSConfiguration, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try TLSContext(configuration: configuration)
            Issue.record("expected invalidConfiguration", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == .invalidConfiguration, sourceLocation: sourceLocation)
            #expect(error.message.contains(text), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("contexts load from files made by Certs/generate.sh and from PEM bytes")
    func loads() throws {
        _ = try TLSContext(configuration: pki.server())
        _ = try TLSContext(configuration: pki.client())
        let fromBytes = TLSConfiguration.server(
            certificateChain: .string(try pem("auth.pem")), privateKey: .bytes(Array(try pem("auth.key").utf8)),
            trustRoots: .string(try pem("ca.pem"))
        )
        _ = try TLSContext(configuration: fromBytes)
        // A chain file may carry intermediates after the leaf; the CA stands in for one here.
        let withChain = TLSConfiguration.server(
            certificateChain: .string(try pem("auth.pem") + pem("ca.pem")), privateKey: .string(try pem("auth.key")),
            trustRoots: .string(try pem("ca.pem") + pem("ca.pem"))
        )
        _ = try TLSContext(configuration: withChain)
    }

    @Test("PEM given as bytes works end to end")
    func bytesEndToEnd() throws {
        let client = TLSConfiguration.client(
            certificateChain: .string(try pem("cli.pem")), privateKey: .string(try pem("cli.key")),
            trustRoots: .string(try pem("ca.pem")), applicationProtocols: [TestPKI.alpn], expectedPeer: .service("auth")
        )
        let pair = try BackToBack(client: client, server: pki.server())
        defer { pair.finish() }
        try pair.handshake()
        #expect(pair.clientRecorder.handshake?.peer?.serviceName == "auth")
    }

    @Test("a missing file names the file")
    func missingFile() {
        var configuration = pki.server()
        configuration.certificateChain = .file("/nonexistent/auth.pem")
        expectConfigurationError(configuration, mentioning: "/nonexistent/auth.pem")
        configuration = pki.server()
        configuration.trustRoots = .file("/nonexistent/ca.pem")
        expectConfigurationError(configuration, mentioning: "/nonexistent/ca.pem")
    }

    @Test("a key that does not match the certificate is refused")
    func keyMismatch() {
        var configuration = pki.server()
        configuration.privateKey = .file(pki.platform + "/cli.key")
        expectConfigurationError(configuration, mentioning: "does not match")
    }

    @Test("damaged or empty PEM is refused", arguments: ["", "not pem at all", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])
    func damagedPEM(text: String) {
        var configuration = pki.server()
        configuration.certificateChain = .string(text)
        expectConfigurationError(configuration, mentioning: "certificate chain")
        configuration = pki.server()
        configuration.privateKey = .string(text)
        expectConfigurationError(configuration, mentioning: "private key")
        configuration = pki.server()
        configuration.trustRoots = .string(text)
        expectConfigurationError(configuration, mentioning: "trusted CA")
    }

    @Test("contradicting settings are refused")
    func contradictions() {
        var server = pki.server()
        server.certificateChain = nil
        server.privateKey = nil
        expectConfigurationError(server, mentioning: "needs a certificate chain")

        var client = pki.client()
        client.privateKey = nil
        expectConfigurationError(client, mentioning: "go together")

        client = pki.client()
        client.peerVerification = .none
        expectConfigurationError(client, mentioning: "always verifies")

        expectConfigurationError(pki.client(alpn: [""]), mentioning: "ALPN")
        expectConfigurationError(pki.client(alpn: [String(repeating: "x", count: 256)]), mentioning: "ALPN")
        expectConfigurationError(pki.client(expectedPeer: .hostname("")), mentioning: "hostname")
    }

    @Test("a bad expected IP address is refused per connection")
    func badExpectedAddress() throws {
        let context = try TLSContext(configuration: pki.client())
        #expect(throws: TLSError.self) { try TLSHandler(context: context, expectedPeer: .hostname("1.2.3")) }
    }

    @Test("peer identity helpers read the platform identity")
    func peerIdentity() {
        let identity = TLSPeerIdentity(commonName: "auth", uris: ["https://x", "spiffe://clinic/auth"])
        #expect(identity.spiffeID == "spiffe://clinic/auth")
        #expect(identity.serviceName == "auth")
        #expect(TLSPeerIdentity(commonName: nil, uris: ["spiffe://other/auth"]).serviceName == nil)
        #expect(TLSPeerIdentity(commonName: nil, uris: ["spiffe://clinic/a/b"]).serviceName == nil)
        #expect(CertificateNames.ipAddressText([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) == "0:0:0:0:0:0:0:1")
        #expect(CertificateNames.ipAddressText([1, 2, 3]) == nil)
    }
}

import ClinicTLS
import Foundation
import TestSupport

/// Certificates for the tests, made once per test process by the real `Certs/generate.sh`.
///
/// `platform` is the development CA with a few identities; `rogue` is a second, unrelated CA
/// with a `cli` identity of its own (same names, wrong issuer).
struct TestPKI: Sendable {
    let platform: String
    let rogue: String

    /// The shared certificates (generated on first use; awaiting them never blocks a thread).
    static func shared() async throws -> TestPKI { try await generated.value }

    private static let generated = Task {
        let certificates = try await TestCertificates.generate(label: "clinic-tls-tests", platform: ["auth", "billing", "cli", "edge"], rogue: ["cli"])
        return TestPKI(platform: certificates.platform, rogue: certificates.rogue)
    }

    // MARK: - Configurations

    /// The RPC test ALPN name.
    static let alpn = "clinic-test/1"

    /// A platform identity as a server (requires client certificates).
    func server(
        _ name: String = "auth", alpn: [String] = [TestPKI.alpn], expectedPeer: TLSExpectedPeer? = nil
    ) -> TLSConfiguration {
        .identity(name, in: platform, role: .server, applicationProtocols: alpn, expectedPeer: expectedPeer)
    }

    /// A platform identity as a client.
    func client(
        _ name: String = "cli", alpn: [String] = [TestPKI.alpn], expectedPeer: TLSExpectedPeer? = .service("auth")
    ) -> TLSConfiguration {
        .identity(name, in: platform, role: .client, applicationProtocols: alpn, expectedPeer: expectedPeer)
    }

    /// A client with the rogue CA's `cli` certificate that trusts the platform CA.
    func rogueClient() -> TLSConfiguration {
        .client(
            certificateChain: .file(rogue + "/cli.pem"), privateKey: .file(rogue + "/cli.key"),
            trustRoots: .file(platform + "/ca.pem"), applicationProtocols: [TestPKI.alpn],
            expectedPeer: .service("auth")
        )
    }

    /// A client without a certificate.
    func anonymousClient() -> TLSConfiguration {
        .client(
            certificateChain: nil, privateKey: nil, trustRoots: .file(platform + "/ca.pem"),
            applicationProtocols: [TestPKI.alpn], expectedPeer: .service("auth")
        )
    }
}

import ClinicTLS
import Foundation
import TestSupport

/// Certificates for the tests, made once per test process by the real `Certs/generate.sh`:
/// `platform` is a CA with the identities the tests use; `rogue` an unrelated CA with a `cli`
/// identity of its own (same names, wrong issuer).
struct TestPKI: Sendable {
    let platform: String
    let rogue: String

    /// The shared certificates (generated on first use; awaiting them never blocks a thread).
    static func shared() async throws -> TestPKI { try await generated.value }

    private static let generated = Task {
        let certificates = try await TestCertificates.generate(label: "clinic-rpc-tests", platform: ["interop", "cli", "billing"], rogue: ["cli"])
        return TestPKI(platform: certificates.platform, rogue: certificates.rogue)
    }

    /// The interop server's identity (requires client certificates).
    func server() -> TLSConfiguration {
        .identity("interop", in: platform, role: .server)
    }

    /// A platform client dialling the interop server.
    func client(_ name: String = "cli") -> TLSConfiguration {
        .identity(name, in: platform, role: .client, expectedPeer: .service("interop"))
    }

    /// Paths for `openssl s_client`.
    func file(_ name: String) -> String { platform + "/" + name }
    func rogueFile(_ name: String) -> String { rogue + "/" + name }
}

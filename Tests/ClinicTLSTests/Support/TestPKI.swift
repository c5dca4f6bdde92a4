import ClinicTLS
import Foundation

/// Certificates for the tests, made once per test process by the real `Certs/generate.sh`.
///
/// `platform` is the development CA with a few identities; `rogue` is a second, unrelated CA
/// with a `cli` identity of its own (same names, wrong issuer).
struct TestPKI: Sendable {
    let platform: String
    let rogue: String

    /// The shared certificates (generated on first use).
    static func shared() throws -> TestPKI { try generated.get() }

    private static let generated: Result<TestPKI, any Error> = Result {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("clinic-tls-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
            .path
        let pki = TestPKI(platform: base + "/platform", rogue: base + "/rogue")
        try runGenerator([pki.platform, "auth", "billing", "cli", "edge"])
        try runGenerator(["--ca-cn", "Rogue Test CA", pki.rogue, "cli"])
        removeAtExit = base
        atexit { if let path = TestPKI.removeAtExit { try? FileManager.default.removeItem(atPath: path) } }
        return pki
    }

    nonisolated(unsafe) private static var removeAtExit: String?

    /// The repository root, found from this file's path (Tests/ClinicTLSTests/Support/).
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    private static func runGenerator(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repositoryRoot + "/Certs/generate.sh"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TLSError(.invalidConfiguration, "Certs/generate.sh \(arguments) exited with \(process.terminationStatus)")
        }
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

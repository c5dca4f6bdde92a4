import ClinicTLS
import Foundation

/// Certificates for the tests, made once per test process by the real `Certs/generate.sh`:
/// `platform` is a CA with the identities the tests use; `rogue` an unrelated CA with a `cli`
/// identity of its own (same names, wrong issuer).
struct TestPKI: Sendable {
    let platform: String
    let rogue: String

    static func shared() throws -> TestPKI { try generated.get() }

    private static let generated: Result<TestPKI, any Error> = Result {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("clinic-rpc-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
            .path
        let pki = TestPKI(platform: base + "/platform", rogue: base + "/rogue")
        try runGenerator([pki.platform, "interop", "cli", "billing"])
        try runGenerator(["--ca-cn", "Rogue Test CA", pki.rogue, "cli"])
        removeAtExit = base
        atexit { if let path = TestPKI.removeAtExit { try? FileManager.default.removeItem(atPath: path) } }
        return pki
    }

    nonisolated(unsafe) private static var removeAtExit: String?

    /// The repository root, from this file's path (Tests/RPCTransportTests/Support/).
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

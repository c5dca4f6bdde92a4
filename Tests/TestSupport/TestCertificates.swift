import Foundation

/// Certificates made by the real `Certs/generate.sh` into a temporary folder, once per test
/// process and removed at exit: a platform CA with the named identities, and an unrelated
/// "rogue" CA with identities of the same names (right names, wrong issuer).
public struct TestCertificates: Sendable {
    /// The platform CA's folder (`ca.pem`, `<name>.pem`, `<name>.key`).
    public let platform: String
    /// The rogue CA's folder.
    public let rogue: String

    /// Generates both sets (no rogue CA when `rogue` is empty); `label` names the temporary folder.
    public static func generate(label: String, platform names: [String], rogue rogueNames: [String]) async throws -> TestCertificates {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
            .path
        let certificates = TestCertificates(platform: base + "/platform", rogue: base + "/rogue")
        try await runGenerator([certificates.platform] + names)
        if !rogueNames.isEmpty {
            try await runGenerator(["--ca-cn", "Rogue Test CA", certificates.rogue] + rogueNames)
        }
        TemporaryFolders.removeAtExit(base)
        return certificates
    }

    /// The repository root, from this file's path (Tests/TestSupport/).
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    private static func runGenerator(_ arguments: [String]) async throws {
        let result = try await ChildProcess.run("/bin/bash", [repositoryRoot + "/Certs/generate.sh"] + arguments)
        guard result.succeeded else {
            throw TestSupportError("Certs/generate.sh \(arguments) exited with \(result.status): \(result.errorText)")
        }
    }
}

/// A failure of the test machinery itself (not of the code under test).
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// Folders removed when the test process exits.
enum TemporaryFolders {
    nonisolated(unsafe) private static var paths: [String] = []
    private static let lock = NSLock()
    private static let registered: Void = {
        atexit {
            TemporaryFolders.lock.lock()
            defer { TemporaryFolders.lock.unlock() }
            for path in TemporaryFolders.paths { try? FileManager.default.removeItem(atPath: path) }
        }
    }()

    static func removeAtExit(_ path: String) {
        _ = registered
        lock.lock()
        defer { lock.unlock() }
        paths.append(path)
    }
}

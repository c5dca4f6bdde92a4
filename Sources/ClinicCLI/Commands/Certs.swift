import ArgumentParser
import Foundation

/// `clinic certs`: makes the development CA and the per-identity certificates (Certs/generate.sh).
struct Certs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the development certificates (CA + one per identity); keeps those that exist.")

    @Option(help: "Output folder (default: Certs/generated of the repository).")
    var out: String?

    @Argument(help: "Identities to make (default: every platform identity).")
    var names: [String] = []

    func run() async throws {
        let folder = try Paths.certificates(out)
        try CertificateRecipe.make(in: folder, names: names)
        Console.out("certificates: \(folder)")
    }
}

/// Runs the repository's certificate recipe, `Certs/generate.sh` (the openssl commands live there, once).
enum CertificateRecipe {
    /// Every identity `clinic up` needs a certificate for.
    static var identities: [String] { ServiceKind.allCases.map(\.identity) + ["cli"] }

    /// Makes what is missing of `names` (all when empty) in `folder`.
    static func make(in folder: String, names: [String] = []) throws {
        let process = Process()
        process.executableURL = try Paths.certificateScript()
        process.arguments = [folder] + names
        // The recipe reports on stderr; keep stdout for our own lines.
        process.standardOutput = FileHandle.standardError
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError("Certs/generate.sh failed with status \(process.terminationStatus)")
        }
    }

    /// Whether `folder` has the CA and every identity in `names`.
    static func complete(_ folder: String, names: [String]) -> Bool {
        (["ca"] + names).allSatisfy { name in
            ["pem", "key"].allSatisfy { FileManager.default.fileExists(atPath: "\(folder)/\(name).\($0)") }
        }
    }
}

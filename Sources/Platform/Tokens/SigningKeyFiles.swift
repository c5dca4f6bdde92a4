package import ClinicTLS
import Foundation

/// Where the auth service keeps its token signing key, under the data folder:
///
/// - `<data>/auth/signing-key.pem` — the private key, PKCS#8 PEM, mode 0600, created on first start;
/// - `<data>/auth/signing-keys.pub.pem` — the public keys, PEM, mode 0644, rewritten at every start.
package enum SigningKeyFiles {
    /// The private key file.
    package static func privateKeyPath(dataDirectory: String) -> String {
        directory(dataDirectory) + "/signing-key.pem"
    }

    /// The public key file other services may read (`PublicKeyFileSource`).
    package static func publicKeysPath(dataDirectory: String) -> String {
        directory(dataDirectory) + "/signing-keys.pub.pem"
    }

    /// The signing key: loaded if it exists, otherwise generated and stored (0600). Safe when
    /// several auth processes start at once on one data folder: exactly one key is created and
    /// all of them use it. Also (re)writes the public key file.
    package static func loadOrCreate(dataDirectory: String) throws -> SigningPrivateKey {
        let folder = directory(dataDirectory)
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = privateKeyPath(dataDirectory: dataDirectory)
        let key: SigningPrivateKey
        if FileManager.default.fileExists(atPath: path) {
            key = try SigningPrivateKey.load(fromFile: path)
        } else {
            let generated = try SigningPrivateKey.generate()
            key = try generated.writeIfAbsent(toFile: path) ? generated : SigningPrivateKey.load(fromFile: path)
        }
        try checkPermissions(path)
        try writePublicKeys([key.publicKey], dataDirectory: dataDirectory)
        return key
    }

    /// Writes the public key file atomically with mode 0644.
    package static func writePublicKeys(_ keys: [SigningPublicKey], dataDirectory: String) throws {
        let path = publicKeysPath(dataDirectory: dataDirectory)
        let text = try keys.map { try $0.pemRepresentation() }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
    }

    /// Refuses a private key file others can read (someone copied it carelessly).
    private static func checkPermissions(_ path: String) throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
        guard mode & 0o077 == 0 else {
            throw CryptoError(.fileError, "the signing key \(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
    }

    private static func directory(_ dataDirectory: String) -> String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("auth").path
    }
}

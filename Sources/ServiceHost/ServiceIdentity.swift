package import ClinicTLS
import Foundation

/// A platform identity's certificate and key in a folder made by `Certs/generate.sh`, and the TLS
/// configurations built from them.
package struct ServiceIdentity: Sendable, Hashable {
    /// The identity name (`auth`, `edge`, `cli`...).
    package var name: String
    /// The certificates folder.
    package var certificatesDirectory: String

    /// The identity `name` in `certificatesDirectory`.
    package init(name: String, certificatesDirectory: String) {
        self.name = name
        self.certificatesDirectory = certificatesDirectory
    }

    /// Throws a readable error when a file of the identity is missing (before TLS fails obscurely).
    package func checkFiles() throws(ServiceHostError) {
        for file in ["ca.pem", "\(name).pem", "\(name).key"] {
            let path = URL(fileURLWithPath: certificatesDirectory).appendingPathComponent(file).path
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ServiceHostError(
                    .configuration, "certificate file \(path) is missing; make the certificates with `clinic certs`")
            }
        }
    }

    /// The server side: presents this identity, requires client certificates from the same CA.
    package var server: TLSConfiguration {
        .identity(name, in: certificatesDirectory, role: .server)
    }

    /// The client side, calling service `peer` (its certificate must be `spiffe://clinic/<peer>`).
    package func client(calling peer: String) -> TLSConfiguration {
        .identity(name, in: certificatesDirectory, role: .client, expectedPeer: .service(peer))
    }
}

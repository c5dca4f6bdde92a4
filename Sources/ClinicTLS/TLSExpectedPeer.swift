/// The name a peer's certificate must carry for the handshake to succeed.
///
/// Checked during the handshake, so a mismatch fails it with an alert: a DNS name or IP address
/// against the certificate's subject alternative names (`hostnameMismatch`), or an identity URI
/// such as `spiffe://clinic/auth` against its URI names (`identityMismatch`).
public struct TLSExpectedPeer: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case hostname(String)
        case uri(String)
    }

    let kind: Kind

    /// The trust domain of platform identities: `spiffe://clinic/<service>`.
    public static let trustDomain = "clinic"

    /// A DNS name (`auth.clinic.internal`, `localhost`) or IP address (`127.0.0.1`). A client also
    /// sends a DNS name as SNI.
    public static func hostname(_ name: String) -> TLSExpectedPeer { TLSExpectedPeer(kind: .hostname(name)) }

    /// An identity URI that must be among the certificate's URI names, compared exactly.
    public static func identity(_ uri: String) -> TLSExpectedPeer { TLSExpectedPeer(kind: .uri(uri)) }

    /// The platform identity of service `name`: `spiffe://clinic/<name>`.
    public static func service(_ name: String) -> TLSExpectedPeer {
        .identity("spiffe://\(trustDomain)/\(name)")
    }

    public var description: String {
        switch kind {
        case .hostname(let name): return "hostname \(name)"
        case .uri(let uri): return "identity \(uri)"
        }
    }
}

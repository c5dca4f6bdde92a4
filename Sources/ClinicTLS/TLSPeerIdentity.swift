/// Who the peer is, read from its verified certificate.
///
/// The service identity is the certificate's `spiffe://` URI name; the call layer uses it to
/// authenticate service-to-service calls.
public struct TLSPeerIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The subject's common name, when it has one.
    public var commonName: String?
    /// The DNS subject alternative names.
    public var dnsNames: [String]
    /// The URI subject alternative names (e.g. `spiffe://clinic/auth`).
    public var uris: [String]
    /// The IP address subject alternative names, as text (`127.0.0.1`, `::1`).
    public var ipAddresses: [String]

    /// Creates an identity from certificate names.
    public init(commonName: String?, dnsNames: [String] = [], uris: [String] = [], ipAddresses: [String] = []) {
        self.commonName = commonName
        self.dnsNames = dnsNames
        self.uris = uris
        self.ipAddresses = ipAddresses
    }

    /// The first `spiffe://` URI name, when there is one.
    public var spiffeID: String? {
        uris.first { $0.hasPrefix("spiffe://") }
    }

    /// The platform service name from `spiffe://clinic/<name>`, when the certificate has one.
    public var serviceName: String? {
        let prefix = "spiffe://\(TLSExpectedPeer.trustDomain)/"
        for uri in uris where uri.hasPrefix(prefix) {
            let name = uri.dropFirst(prefix.count)
            if !name.isEmpty, !name.contains("/") { return String(name) }
        }
        return nil
    }

    public var description: String {
        var parts: [String] = []
        if let commonName { parts.append("CN=\(commonName)") }
        parts += uris.map { "URI:\($0)" }
        parts += dnsNames.map { "DNS:\($0)" }
        parts += ipAddresses.map { "IP:\($0)" }
        return parts.joined(separator: ", ")
    }
}

/// The user inbound event `TLSHandler` fires once the handshake has completed.
///
/// A client sees it as soon as its side of the TLS 1.3 handshake is done; the server may still
/// reject the client certificate, which the client then learns on its first read
/// (`certificateRejected`).
public struct TLSHandshakeCompleted: Sendable, Hashable {
    /// The negotiated application protocol (ALPN), when ALPN is used.
    public var applicationProtocol: String?
    /// The verified peer, or nil when a server did not ask for (or did not get) a client certificate.
    public var peer: TLSPeerIdentity?
    /// The negotiated cipher suite, e.g. `TLS_AES_128_GCM_SHA256`.
    public var cipherSuite: String

    /// Creates the event.
    public init(applicationProtocol: String?, peer: TLSPeerIdentity?, cipherSuite: String) {
        self.applicationProtocol = applicationProtocol
        self.peer = peer
        self.cipherSuite = cipherSuite
    }
}

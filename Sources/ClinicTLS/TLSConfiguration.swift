/// Settings for one side of TLS 1.3 connections: who we are, whom we trust, what we speak.
///
/// A plain value: build it from PEM files or PEM bytes, then make one `TLSContext` from it and
/// share that context between all connections. TLS 1.3 is the only version; the peer is always
/// verified against `trustRoots` unless a server sets `peerVerification = .none`.
public struct TLSConfiguration: Sendable, Hashable {
    /// Which end of the handshake this configuration is for.
    public enum Role: String, Sendable, Hashable {
        /// Connects and verifies the server.
        case client
        /// Accepts and, by default, requires a client certificate.
        case server
    }

    /// PEM text from a file or from memory.
    public struct PEMSource: Sendable, Hashable, CustomStringConvertible {
        enum Storage: Sendable, Hashable {
            case file(String)
            case bytes([UInt8])
        }

        let storage: Storage

        /// PEM read from the file at `path` when the context is made.
        public static func file(_ path: String) -> PEMSource { PEMSource(storage: .file(path)) }
        /// PEM given as bytes.
        public static func bytes(_ bytes: [UInt8]) -> PEMSource { PEMSource(storage: .bytes(bytes)) }
        /// PEM given as text.
        public static func string(_ text: String) -> PEMSource { PEMSource(storage: .bytes(Array(text.utf8))) }

        public var description: String {
            switch storage {
            case .file(let path): return path
            case .bytes(let bytes): return "<\(bytes.count) bytes of PEM>"
            }
        }
    }

    /// Whether the peer must present a certificate.
    public struct PeerVerification: Sendable, Hashable, CustomStringConvertible {
        enum Value: String, Sendable, Hashable {
            case required
            case optional
            case none
        }

        let value: Value

        /// The peer must present a certificate signed by a trusted CA (the default, both roles).
        public static let required = PeerVerification(value: .required)
        /// Servers only: ask for a client certificate, verify it when presented, accept none.
        public static let optional = PeerVerification(value: .optional)
        /// Servers only: do not ask for a client certificate (e.g. HTTPS for browsers).
        public static let none = PeerVerification(value: .none)

        public var description: String { value.rawValue }
    }

    /// Client or server.
    public var role: Role
    /// Our certificate, then any intermediates (required for servers; optional for clients).
    public var certificateChain: PEMSource?
    /// The private key of the first certificate in `certificateChain`.
    public var privateKey: PEMSource?
    /// The CA certificates that peers' certificates must chain to.
    public var trustRoots: PEMSource
    /// ALPN names in preference order; empty means ALPN is not used. When not empty, the
    /// handshake fails with `alpnMismatch` unless both sides agree on one of them.
    public var applicationProtocols: [String]
    /// The identity the peer's certificate must carry; a client usually sets it, a server may.
    /// `TLSHandler` can override it per connection.
    public var expectedPeer: TLSExpectedPeer?
    /// Whether the peer must present a certificate (servers require one by default).
    public var peerVerification: PeerVerification

    /// Creates a configuration; see the static factories for the usual cases.
    public init(
        role: Role,
        certificateChain: PEMSource?,
        privateKey: PEMSource?,
        trustRoots: PEMSource,
        applicationProtocols: [String] = [],
        expectedPeer: TLSExpectedPeer? = nil,
        peerVerification: PeerVerification = .required
    ) {
        self.role = role
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.trustRoots = trustRoots
        self.applicationProtocols = applicationProtocols
        self.expectedPeer = expectedPeer
        self.peerVerification = peerVerification
    }

    /// A server that requires client certificates signed by `trustRoots` (mutual TLS).
    public static func server(
        certificateChain: PEMSource,
        privateKey: PEMSource,
        trustRoots: PEMSource,
        applicationProtocols: [String] = [],
        expectedPeer: TLSExpectedPeer? = nil
    ) -> TLSConfiguration {
        TLSConfiguration(
            role: .server, certificateChain: certificateChain, privateKey: privateKey,
            trustRoots: trustRoots, applicationProtocols: applicationProtocols, expectedPeer: expectedPeer
        )
    }

    /// A client presenting `certificateChain` (when given) and verifying the server against `trustRoots`.
    public static func client(
        certificateChain: PEMSource?,
        privateKey: PEMSource?,
        trustRoots: PEMSource,
        applicationProtocols: [String] = [],
        expectedPeer: TLSExpectedPeer? = nil
    ) -> TLSConfiguration {
        TLSConfiguration(
            role: .client, certificateChain: certificateChain, privateKey: privateKey,
            trustRoots: trustRoots, applicationProtocols: applicationProtocols, expectedPeer: expectedPeer
        )
    }

    /// The identity `name` from a folder made by `Certs/generate.sh`: `<name>.pem`, `<name>.key`, `ca.pem`.
    public static func identity(
        _ name: String,
        in directory: String,
        role: Role,
        applicationProtocols: [String] = [],
        expectedPeer: TLSExpectedPeer? = nil
    ) -> TLSConfiguration {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        return TLSConfiguration(
            role: role,
            certificateChain: .file(base + name + ".pem"),
            privateKey: .file(base + name + ".key"),
            trustRoots: .file(base + "ca.pem"),
            applicationProtocols: applicationProtocols,
            expectedPeer: expectedPeer
        )
    }
}

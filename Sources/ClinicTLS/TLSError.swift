/// Why a TLS connection or configuration failed.
///
/// A struct with an extensible code rather than a public enum, so new failure kinds can be added
/// without breaking callers that switch over them. OpenSSL's error queue is mapped into this type
/// once, where the library is called; `openSSLErrors` keeps the raw entries for logs.
public struct TLSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case invalidConfiguration
            case handshakeFailed
            case certificateRejected
            case certificateRequired
            case unknownCA
            case hostnameMismatch
            case identityMismatch
            case protocolVersion
            case alpnMismatch
            case notTLS
            case protocolViolation
            case ioError
            case closed
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// A certificate, key or trust root could not be loaded, or settings contradict each other.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The handshake failed for a reason no more specific code covers.
        public static let handshakeFailed = Code(.handshakeFailed)
        /// The peer rejected our certificate (it sent a certificate alert), or the peer's
        /// certificate is invalid for a reason other than its issuer or names (e.g. expired).
        public static let certificateRejected = Code(.certificateRejected)
        /// The peer presented no certificate although one is required (mutual TLS).
        public static let certificateRequired = Code(.certificateRequired)
        /// The peer's certificate is not signed by a trusted CA.
        public static let unknownCA = Code(.unknownCA)
        /// The peer's certificate does not name the expected DNS name or IP address.
        public static let hostnameMismatch = Code(.hostnameMismatch)
        /// The peer's certificate does not carry the expected identity URI (`spiffe://clinic/<name>`).
        public static let identityMismatch = Code(.identityMismatch)
        /// The peer does not speak TLS 1.3 (the only version allowed).
        public static let protocolVersion = Code(.protocolVersion)
        /// Client and server have no application protocol (ALPN) in common.
        public static let alpnMismatch = Code(.alpnMismatch)
        /// The peer sent bytes that are not TLS at all (e.g. a plaintext HTTP request).
        public static let notTLS = Code(.notTLS)
        /// The peer sent malformed or unexpected TLS records after the handshake.
        public static let protocolViolation = Code(.protocolViolation)
        /// The connection ended at a point where TLS did not expect it.
        public static let ioError = Code(.ioError)
        /// The connection is closed or closing; the operation cannot be done any more.
        public static let closed = Code(.closed)

        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What failed, for people.
    public var message: String
    /// OpenSSL's error queue entries at the failure, oldest first (for logs; may be empty).
    public var openSSLErrors: [String]

    /// Creates an error; `openSSLErrors` carries the raw OpenSSL entries when there are any.
    public init(_ code: Code, _ message: String, openSSLErrors: [String] = []) {
        self.code = code
        self.message = message
        self.openSSLErrors = openSSLErrors
    }

    public var description: String {
        if openSSLErrors.isEmpty { return "\(code): \(message)" }
        return "\(code): \(message) [\(openSSLErrors.joined(separator: "; "))]"
    }
}

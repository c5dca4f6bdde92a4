/// Why a cryptographic operation failed.
///
/// A struct with an extensible code, like `TLSError`. OpenSSL's error queue is read once, where
/// the library is called; messages never contain key material, passwords or signed data.
package struct CryptoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case invalidParameters
            case invalidKey
            case invalidEncoding
            case randomFailed
            case operationFailed
            case fileError
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// Parameters out of range (scrypt cost, output length...).
        package static let invalidParameters = Code(.invalidParameters)
        /// A key could not be read, is of the wrong type, or is damaged.
        package static let invalidKey = Code(.invalidKey)
        /// A stored value (e.g. a password hash string) is not in the expected format.
        package static let invalidEncoding = Code(.invalidEncoding)
        /// The random number generator failed (never ignored: there is no safe fallback).
        package static let randomFailed = Code(.randomFailed)
        /// OpenSSL refused an operation that should have worked.
        package static let operationFailed = Code(.operationFailed)
        /// A key file could not be written or read.
        package static let fileError = Code(.fileError)

        package var description: String { value.rawValue }
    }

    /// The kind of failure.
    package var code: Code
    /// What failed, for people.
    package var message: String

    /// Creates an error.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }
}

extension CryptoError {
    /// An error of `code` with OpenSSL's last reason appended, draining the thread's error queue.
    static func openSSL(_ code: Code, _ what: String) -> CryptoError {
        let entries = OpenSSLErrorQueue.drain()
        let detail = entries.last.map { ": \($0.reasonText)" } ?? ""
        return CryptoError(code, what + detail)
    }
}

/// Why an access token was refused. Every case answers `unauthenticated`; the code tells tests
/// and logs which check failed (clients only learn "invalid" or "expired").
package struct TokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which check failed.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case malformed
            case unsupportedAlgorithm
            case unknownKey
            case badSignature
            case expired
            case notYetValid
            case wrongIssuer
            case wrongAudience
            case keysUnavailable
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// Not three base64url parts, not JSON, a missing or mistyped claim, too large.
        package static let malformed = Code(.malformed)
        /// The header names another algorithm than ours (`none`, `HS256`, `RS256`, ...), or `crit`.
        package static let unsupportedAlgorithm = Code(.unsupportedAlgorithm)
        /// No key with the header's `kid` is known (even after refreshing the keys).
        package static let unknownKey = Code(.unknownKey)
        /// The signature does not verify: the token was changed or signed with another key.
        package static let badSignature = Code(.badSignature)
        /// `exp` is past (beyond the leeway).
        package static let expired = Code(.expired)
        /// `nbf` or `iat` is in the future (beyond the leeway).
        package static let notYetValid = Code(.notYetValid)
        /// `iss` is not the auth service.
        package static let wrongIssuer = Code(.wrongIssuer)
        /// `aud` does not include the platform.
        package static let wrongAudience = Code(.wrongAudience)
        /// The verification keys could not be fetched (auth not reachable yet): answers `unavailable`.
        package static let keysUnavailable = Code(.keysUnavailable)

        package var description: String { value.rawValue }
    }

    /// Which check failed.
    package var code: Code
    /// For logs; never contains the token or its claims' values.
    package var message: String

    /// Creates an error.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }
}

import ClinicTLS
import Platform

/// Opaque random tokens (refresh tokens, reset links) and random ids.
///
/// A token is a prefix naming its kind and 32 random bytes in base64url; only its SHA-256 is
/// stored, so the database never holds a usable token.
enum SecretToken {
    /// A new token of `kind` (`rt` refresh, `pr` password reset / invitation).
    static func make(kind: String) throws -> Redacted<String> {
        Redacted("\(kind)1_" + Base64URL.encode(try SecureRandom.bytes(count: 32)))
    }

    /// What is stored for `token`.
    static func hash(_ token: String) -> [UInt8] {
        Digest.sha256(token)
    }

    /// A new opaque id: `prefix_` and 15 random bytes (20 base64url characters), within FORMAT_ID.
    static func id(prefix: String) throws -> String {
        prefix + "_" + Base64URL.encode(try SecureRandom.bytes(count: 15))
    }
}

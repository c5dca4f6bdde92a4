/// The `Authorization` header of a request, checked before any call is made.
enum BearerToken {
    /// What the header says.
    enum Credential: Equatable {
        case none
        /// The whole header value, `Bearer <token>`, passed on as `authorization` metadata.
        case bearer(String)
    }

    /// The credential in `values` (every `Authorization` header of the request); throws
    /// `unauthenticated` for anything but one well-formed `Bearer` token (RFC 6750 `b64token`).
    static func parse(_ values: [String]) throws(EdgeError) -> Credential {
        guard let value = values.first else { return .none }
        guard values.count == 1 else { throw malformed("more than one Authorization header") }
        let scheme = value.prefix { $0 != " " }
        guard scheme.lowercased() == "bearer" else { throw malformed("the Authorization header must use the Bearer scheme") }
        let token = value.dropFirst(scheme.count).drop { $0 == " " }
        guard !token.isEmpty, token.utf8.count <= 8192, isB64Token(token) else {
            throw malformed("the bearer token is malformed")
        }
        return .bearer("Bearer \(token)")
    }

    /// `unauthenticated` for a method that needs a token when the request has none.
    static let missing = EdgeError(
        .unauthenticated, "this method needs an Authorization: Bearer token",
        headers: [("WWW-Authenticate", "Bearer")])

    private static func malformed(_ message: String) -> EdgeError {
        EdgeError(.unauthenticated, message, headers: [("WWW-Authenticate", "Bearer error=\"invalid_request\"")])
    }

    /// `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
    private static func isB64Token(_ token: Substring) -> Bool {
        let bytes = Array(token.utf8)
        let body = bytes.prefix { $0 != UInt8(ascii: "=") }
        guard !body.isEmpty, bytes.dropFirst(body.count).allSatisfy({ $0 == UInt8(ascii: "=") }) else { return false }
        return body.allSatisfy { byte in
            switch byte {
            case 48...57, 65...90, 97...122: true
            case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"): true
            default: false
            }
        }
    }
}

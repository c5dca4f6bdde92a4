/// Cross-origin access for browsers on other origins: which origins may call, and the answer
/// to a preflight. Origins not listed get no CORS headers, so browsers block them.
struct CORSPolicy: Sendable {
    let allowedOrigins: Set<String>
    let maxAgeSeconds: Int

    static let allowedMethods = "GET, POST, PUT, PATCH, DELETE"
    static let allowedHeaders = "Authorization, Content-Type, X-Request-Id, X-Request-Timeout"
    static let exposedHeaders = "X-Request-Id, Retry-After, WWW-Authenticate"

    var isEnabled: Bool { !allowedOrigins.isEmpty }

    /// Whether `origin` may call (`*` in the configuration allows every origin).
    func allows(_ origin: String) -> Bool {
        allowedOrigins.contains(origin) || allowedOrigins.contains("*")
    }

    /// Headers for an ordinary response to a request from `origin`.
    func headers(origin: String?) -> [(String, String)] {
        guard isEnabled else { return [] }
        guard let origin, allows(origin) else { return [("Vary", "Origin")] }
        return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"), ("Access-Control-Expose-Headers", Self.exposedHeaders)]
    }

    /// The answer to a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`):
    /// 204 with the allowed methods and headers, or `permission_denied` for an origin not listed.
    func preflight(origin: String) throws(EdgeError) -> [(String, String)] {
        guard allows(origin) else {
            throw EdgeError(.permissionDenied, "origin \(origin.prefix(200)) may not call this API", headers: [("Vary", "Origin")])
        }
        return [
            ("Access-Control-Allow-Origin", origin), ("Vary", "Origin"),
            ("Access-Control-Allow-Methods", Self.allowedMethods),
            ("Access-Control-Allow-Headers", Self.allowedHeaders),
            ("Access-Control-Max-Age", String(maxAgeSeconds)),
        ]
    }
}

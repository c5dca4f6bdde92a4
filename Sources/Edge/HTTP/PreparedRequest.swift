import NIOHTTP1

/// A request whose head has been read and routed, before its body is read: what it is for,
/// how large its body may be, and the headers every answer to it carries.
struct PreparedRequest: Sendable {
    /// What the request asks for.
    enum Disposition: Sendable {
        case call(MethodTarget, RequestBinding, variables: [String], target: RequestTarget)
        case openAPI
        case staticFile(RequestTarget)
        case preflight(origin: String)
        case fail(EdgeError)
    }

    let head: HTTPRequestHead
    let disposition: Disposition
    let requestID: String
    /// The client's address (the key of the login rate limit).
    let peer: String
    let bodyLimit: Int
    /// Request id and CORS headers.
    let commonHeaders: [(String, String)]

    /// What the access log calls the route: the RPC for calls, else a fixed word (never the
    /// raw path, which may carry ids or names).
    var logRoute: String {
        switch disposition {
        case .call(let target, _, _, _): target.method.fullName
        case .openAPI: "openapi"
        case .staticFile: "static"
        case .preflight: "preflight"
        case .fail: "none"
        }
    }
}

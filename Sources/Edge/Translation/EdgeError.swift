import ClinicAPI
import NIOHTTP1
import ProtoRuntime
import RPCCore

/// A failure answered to an HTTP client as `{"code","message","details"}`: an RPC status plus the
/// HTTP status it is sent with and any headers it needs (`Allow`, `Retry-After`, ...).
struct EdgeError: Error, Sendable {
    var code: RPCError.Code
    var message: String
    var details: [RPCError.Detail]
    var status: HTTPResponseStatus
    var headers: [(String, String)]

    /// An error with the mapped status of `code`, or `status` where the edge answers an HTTP-level
    /// condition (404 route, 405, 413) that the mapping has no row for.
    init(
        _ code: RPCError.Code, _ message: String, details: [RPCError.Detail] = [],
        status: HTTPResponseStatus? = nil, headers: [(String, String)] = []
    ) {
        self.code = code
        self.message = message
        self.details = details
        self.status = status ?? HTTPStatusMapping.status(for: code)
        self.headers = headers
    }

    /// The HTTP answer to a failed call.
    init(_ error: RPCError) {
        self.init(error.code, error.message, details: error.details)
    }

    /// `invalid_argument` naming the offending field, with a `clinic.rpc.v1.BadRequest` detail
    /// like the ones generated validation sends, so clients read one shape for both.
    static func invalidArgument(field: String?, _ description: String) -> EdgeError {
        guard let field else { return EdgeError(.invalidArgument, description) }
        return EdgeError(
            .invalidArgument, "\(field): \(description)", details: [Self.fieldViolation(field: field, description)])
    }

    /// A request body or parameter that is not valid for the request message.
    static func badInput(_ error: ProtoError, prefix: String? = nil) -> EdgeError {
        if error.code == .tooLarge { return EdgeError(.resourceExhausted, error.message, status: .payloadTooLarge) }
        let field = error.fieldPath.map { path in prefix.map { "\($0).\(path)" } ?? path }
        return invalidArgument(field: field ?? prefix, error.message)
    }

    static func fieldViolation(field: String, _ description: String) -> RPCError.Detail {
        let detail = Clinic_Rpc_V1_BadRequest.with {
            $0.fieldViolations = [.with { $0.field = field; $0.description = description }]
        }
        // `try?`: a message of two short strings always encodes.
        return RPCError.Detail(typeURL: "type.googleapis.com/clinic.rpc.v1.BadRequest", value: (try? detail.serializedBytes()) ?? [])
    }

    // Common answers.
    static func routeNotFound(_ path: String) -> EdgeError {
        EdgeError(.notFound, "no route for \(path.prefix(200))")
    }

    static func methodNotAllowed(_ method: String, allowed: [String]) -> EdgeError {
        EdgeError(
            .unimplemented, "\(method) is not allowed here; allowed: \(allowed.joined(separator: ", "))",
            status: .methodNotAllowed, headers: [("Allow", allowed.joined(separator: ", "))])
    }

    static func bodyTooLarge(limit: Int) -> EdgeError {
        EdgeError(.resourceExhausted, "the request body exceeds the limit of \(limit) bytes", status: .payloadTooLarge)
    }
}

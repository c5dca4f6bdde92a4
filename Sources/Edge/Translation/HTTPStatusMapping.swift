public import NIOHTTP1
public import RPCCore

/// The one mapping from RPC status codes to HTTP statuses (docs/EDGE.md lists it).
public enum HTTPStatusMapping {
    /// The HTTP status that reports `code`.
    public static func status(for code: RPCError.Code) -> HTTPResponseStatus {
        switch code {
        case .invalidArgument, .failedPrecondition, .outOfRange: .badRequest
        case .unauthenticated: .unauthorized
        case .permissionDenied: .forbidden
        case .notFound: .notFound
        case .alreadyExists, .aborted: .conflict
        case .resourceExhausted: .tooManyRequests
        case .cancelled: clientClosedRequest
        case .unimplemented: .notImplemented
        case .unavailable: .serviceUnavailable
        case .deadlineExceeded: .gatewayTimeout
        default: .internalServerError
        }
    }

    /// 499, nginx's status for a request the client gave up on (NIO has no name for it).
    public static let clientClosedRequest = HTTPResponseStatus(statusCode: 499, reasonPhrase: "Client Closed Request")
}

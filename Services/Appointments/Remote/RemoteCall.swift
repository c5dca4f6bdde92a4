import RPCCore

/// How a failure of another service reaches our caller: `not_found` stays `not_found` (with our
/// message, naming our field), an unavailable or slow dependency stays retryable, and anything
/// else is our `internal` error — another API's `invalid_argument` would name fields the caller
/// never sent.
enum RemoteCall {
    /// Runs `body`; `what` names the thing asked for, `notFound` is the answer when it does not exist.
    static func run<T: Sendable>(
        _ what: String, notFound: RPCError? = nil, _ body: () async throws -> T
    ) async throws -> T {
        do {
            return try await body()
        } catch let error as RPCError {
            switch error.code {
            case .notFound:
                throw notFound ?? RPCError(code: .notFound, message: "\(what) not found")
            case .unavailable, .deadlineExceeded, .cancelled, .resourceExhausted:
                throw RPCError(code: error.code, message: "\(what): \(error.message)")
            default:
                throw RPCError(code: .internal, message: "\(what) could not be read (\(error.code))")
            }
        }
    }
}

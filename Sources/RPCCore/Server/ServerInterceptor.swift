/// Runs around every call a server handles, outermost first: sees the method (with its policy),
/// the caller (peer identity, metadata) and the deadline before the handler runs, and the outcome
/// after it.
///
/// An interceptor rejects a call by throwing an `RPCError` instead of calling `next` (the auth
/// interceptor answers `unauthenticated`/`permission_denied` this way), decorates it by calling
/// `next` with a changed context (typed `attributes`, a richer `logger`, response metadata), and
/// observes it by looking at what `next` returns or throws.
public protocol ServerInterceptor: Sendable {
    /// Handles the call, usually by calling `next` once.
    func intercept(context: ServerContext, next: (ServerContext) async throws -> Void) async throws
}

/// A server interceptor made from a closure.
public struct ServerInterceptorFunction: ServerInterceptor {
    private let body: @Sendable (ServerContext, (ServerContext) async throws -> Void) async throws -> Void

    public init(_ body: @escaping @Sendable (ServerContext, (ServerContext) async throws -> Void) async throws -> Void) {
        self.body = body
    }

    public func intercept(context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
        try await body(context, next)
    }
}

extension Array where Element == any ServerInterceptor {
    /// Runs the chain from `index` on, then `handler`.
    func run(
        from index: Int = 0, context: ServerContext, handler: (ServerContext) async throws -> Void
    ) async throws {
        guard index < count else { return try await handler(context) }
        try await self[index].intercept(context: context) { context in
            try await run(from: index + 1, context: context, handler: handler)
        }
    }
}

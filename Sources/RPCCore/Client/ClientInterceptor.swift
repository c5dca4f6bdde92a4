/// What a client interceptor sees of a call before it is sent.
public struct ClientCallContext: Sendable {
    /// The method being called (with its policy).
    public let method: MethodDescriptor
    /// Request metadata; an interceptor may add to it (e.g. `authorization`).
    public var metadata: Metadata
    /// When the call expires (the earlier of its timeout and the enclosing handler's deadline).
    public var deadline: ContinuousClock.Instant?

    public init(method: MethodDescriptor, metadata: Metadata, deadline: ContinuousClock.Instant?) {
        self.method = method
        self.metadata = metadata
        self.deadline = deadline
    }
}

/// Runs around every call a client makes, outermost first, once per call (retries happen
/// inside `next`).
///
/// An interceptor rejects a call by throwing instead of calling `next`, decorates it by calling
/// `next` with changed metadata or an earlier deadline, and observes it by looking at what
/// `next` returns or throws.
public protocol ClientInterceptor: Sendable {
    /// Makes the call, usually by calling `next` once.
    func intercept(call: ClientCallContext, next: (ClientCallContext) async throws -> Void) async throws
}

/// A client interceptor made from a closure.
public struct ClientInterceptorFunction: ClientInterceptor {
    private let body: @Sendable (ClientCallContext, (ClientCallContext) async throws -> Void) async throws -> Void

    public init(_ body: @escaping @Sendable (ClientCallContext, (ClientCallContext) async throws -> Void) async throws -> Void) {
        self.body = body
    }

    public func intercept(call: ClientCallContext, next: (ClientCallContext) async throws -> Void) async throws {
        try await body(call, next)
    }
}

extension Array where Element == any ClientInterceptor {
    /// Runs the chain from `index` on, then `call`.
    func run(
        from index: Int = 0, call context: ClientCallContext, call: (ClientCallContext) async throws -> Void
    ) async throws {
        guard index < count else { return try await call(context) }
        try await self[index].intercept(call: context) { context in
            try await run(from: index + 1, call: context, call: call)
        }
    }
}

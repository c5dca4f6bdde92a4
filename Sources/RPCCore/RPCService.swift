public import ProtoRuntime

/// A service implementation that can register its methods on a server's router.
/// Generated `ServiceProtocol`s refine it and implement both requirements.
public protocol RPCService: Sendable {
    /// The service this implements.
    var serviceDescriptor: ServiceDescriptor { get }

    /// Adds a handler for each of the service's methods.
    func registerMethods(with router: inout RPCRouter)
}

/// Makes calls; the typed clients generated for every service call through one of these, so the
/// same client works over the network transport and the in-process one.
public protocol RPCCaller: Sendable {
    /// One request, one response. Nonsending: the call runs on the caller's executor (a
    /// handler's event loop) up to the transport, with no executor switch on the way.
    nonisolated(nonsending) func unary<Input: SerializableMessage, Output: SerializableMessage>(
        request: Input, method: MethodDescriptor, options: CallOptions
    ) async throws -> Output

    /// One request, a stream of responses handed to `onResponse`.
    func serverStreaming<Input: SerializableMessage, Output: SerializableMessage, Result: Sendable>(
        request: Input, method: MethodDescriptor, options: CallOptions,
        onResponse: @Sendable @escaping (RPCAsyncSequence<Output>) async throws -> Result
    ) async throws -> Result

    /// A stream of requests written by `requestProducer`, one response.
    func clientStreaming<Input: SerializableMessage, Output: SerializableMessage>(
        method: MethodDescriptor, options: CallOptions,
        requestProducer: @Sendable @escaping (RPCWriter<Input>) async throws -> Void
    ) async throws -> Output

    /// Streams both ways.
    func bidirectionalStreaming<Input: SerializableMessage, Output: SerializableMessage, Result: Sendable>(
        method: MethodDescriptor, options: CallOptions,
        requestProducer: @Sendable @escaping (RPCWriter<Input>) async throws -> Void,
        onResponse: @Sendable @escaping (RPCAsyncSequence<Output>) async throws -> Result
    ) async throws -> Result
}

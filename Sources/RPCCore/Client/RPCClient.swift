public import ProtoRuntime

/// Makes typed calls over a client transport: the generated clients call through it.
///
/// Every call: runs the client interceptors; is bounded by the earlier of `options.timeout` and
/// the deadline of the handler it is made from (`RPCDeadline.current`), which travels to the
/// server; is cancelled (at the server too) when the calling task is cancelled; is retried with
/// backoff only when the method is idempotent, the code is retryable and no response message
/// arrived; and throws `RPCError` for every failure of the call itself (errors thrown by the
/// caller's own closures pass through unchanged).
public struct RPCClient: RPCCaller {
    /// Where calls go.
    public let transport: any ClientTransport
    /// Run around every call, outermost first.
    public let interceptors: [any ClientInterceptor]

    public init(transport: any ClientTransport, interceptors: [any ClientInterceptor] = []) {
        self.transport = transport
        self.interceptors = interceptors
    }

    // MARK: RPCCaller

    nonisolated(nonsending) public func unary<Input: SerializableMessage, Output: SerializableMessage>(
        request: Input, method: MethodDescriptor, options: CallOptions
    ) async throws -> Output {
        // Without `ClientResponse`: a generic type made per call costs a metadata lookup.
        let reply = try await unaryReply(try Self.encode(request), method: method, options: options)
        return try Self.decode(reply.message, limits: DecodingLimits(maxBytes: options.maxResponseBytes))
    }

    public func serverStreaming<Input: SerializableMessage, Output: SerializableMessage, Result: Sendable>(
        request: Input, method: MethodDescriptor, options: CallOptions,
        onResponse: @Sendable @escaping (RPCAsyncSequence<Output>) async throws -> Result
    ) async throws -> Result {
        try await execute(
            method: method, options: options, requests: .single(try Self.encode(request)),
            onResponse: Self.typed(options) { (responses: ClientResponseStream<Output>) in
                try await onResponse(RPCAsyncSequence(wrapping: responses))
            })
    }

    public func clientStreaming<Input: SerializableMessage, Output: SerializableMessage>(
        method: MethodDescriptor, options: CallOptions,
        requestProducer: @Sendable @escaping (RPCWriter<Input>) async throws -> Void
    ) async throws -> Output {
        try await execute(
            method: method, options: options, requests: .producer { try await requestProducer($0.map(Self.encode)) },
            onResponse: Self.typed(options) { (responses: ClientResponseStream<Output>) in try await Self.single(responses).message })
    }

    public func bidirectionalStreaming<Input: SerializableMessage, Output: SerializableMessage, Result: Sendable>(
        method: MethodDescriptor, options: CallOptions,
        requestProducer: @Sendable @escaping (RPCWriter<Input>) async throws -> Void,
        onResponse: @Sendable @escaping (RPCAsyncSequence<Output>) async throws -> Result
    ) async throws -> Result {
        try await streamingWithMetadata(method: method, options: options, requestProducer: requestProducer) {
            (responses: ClientResponseStream<Output>) in try await onResponse(RPCAsyncSequence(wrapping: responses))
        }
    }

    // MARK: With response metadata

    /// A unary call that also returns the server's initial and trailing metadata.
    public func unaryWithMetadata<Input: SerializableMessage, Output: SerializableMessage>(
        request: Input, method: MethodDescriptor, options: CallOptions = .defaults
    ) async throws -> ClientResponse<Output> {
        let reply = try await unaryReply(try Self.encode(request), method: method, options: options)
        return ClientResponse(
            message: try Self.decode(reply.message, limits: DecodingLimits(maxBytes: options.maxResponseBytes)),
            initialMetadata: reply.initialMetadata,
            trailingMetadata: reply.trailingMetadata)
    }

    /// A unary call up to the encoded response: not generic, so it is compiled once here.
    nonisolated(nonsending) private func unaryReply(_ request: [UInt8], method: MethodDescriptor, options: CallOptions) async throws -> UnaryReply {
        let maxBytes = options.maxResponseBytes
        let transport = self.transport
        return try await execute(method: method, options: options, callLayerOnly: true) { start, record in
            try await UnaryReply.exchange(start, request: request, over: transport, record: record, maxMessageBytes: maxBytes)
        }
    }

    /// A call of any shape, with the response metadata readable from the response stream
    /// (`initialMetadata`, `trailingMetadata`). For a unary or server-streaming method, write
    /// exactly one request.
    public func streamingWithMetadata<Input: SerializableMessage, Output: SerializableMessage, Result: Sendable>(
        method: MethodDescriptor, options: CallOptions = .defaults,
        requestProducer: @Sendable @escaping (RPCWriter<Input>) async throws -> Void,
        onResponse: @Sendable @escaping (ClientResponseStream<Output>) async throws -> Result
    ) async throws -> Result {
        try await execute(
            method: method, options: options, requests: .producer { try await requestProducer($0.map(Self.encode)) },
            onResponse: Self.typed(options, onResponse))
    }

    // MARK: Helpers

    /// Reads the response parts as typed messages.
    static func typed<Output: SerializableMessage, Result: Sendable>(
        _ options: CallOptions, _ body: @escaping @Sendable (ClientResponseStream<Output>) async throws -> Result
    ) -> ResponseHandler<Result> {
        let maxBytes = options.maxResponseBytes
        return { parts, record in
            try await body(ClientResponseStream(parts: parts, record: record, maxMessageBytes: maxBytes))
        }
    }

    /// A response message; bytes that do not decode are `internal` (the server broke the contract).
    static func decode<Output: SerializableMessage>(_ bytes: [UInt8], limits: DecodingLimits) throws(RPCError) -> Output {
        do {
            return try Output(serializedBytes: bytes, limits: limits)
        } catch {
            throw RPCError(code: .internal, message: "a response message could not be decoded: \(error)")
        }
    }

    static func encode<Input: SerializableMessage>(_ request: Input) throws(RPCError) -> [UInt8] {
        do {
            return try request.serializedBytes()
        } catch {
            throw RPCError(code: .invalidArgument, message: "the request could not be encoded: \(error)")
        }
    }

    /// The one response message of a unary or client-streaming call, read through the status.
    static func single<Output: SerializableMessage>(_ responses: ClientResponseStream<Output>) async throws -> ClientResponse<Output> {
        var iterator = responses.makeAsyncIterator()
        guard let message = try await iterator.next() else {
            throw RPCError(code: .internal, message: "the server sent no response message")
        }
        guard try await iterator.next() == nil else {
            throw RPCError(code: .internal, message: "the server sent more than one response message")
        }
        return ClientResponse(
            message: message, initialMetadata: responses.initialMetadata, trailingMetadata: responses.trailingMetadata)
    }
}

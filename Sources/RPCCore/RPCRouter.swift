public import ProtoRuntime

/// The methods a server serves, by full name, each as a handler over encoded messages.
///
/// Typed handlers are erased here: the router decodes requests (within limits), validates them
/// against the `.proto` field rules, runs the handler and encodes responses, so every transport
/// and every service gets the same checks.
public struct RPCRouter: Sendable {
    /// A unary method over its encoded request, returning the encoded response. Nonsending: it
    /// runs on the server task's executor with no hop at the call.
    public typealias UnaryBody = nonisolated(nonsending) @Sendable ([UInt8], ServerContext) async throws -> [UInt8]

    /// A method handler over encoded messages.
    public struct Handler: Sendable {
        public let method: MethodDescriptor
        public let handle: @Sendable (RPCAsyncSequence<[UInt8]>, RPCWriter<[UInt8]>, ServerContext) async throws -> Void
        /// For a unary method, the same handler over the one request already in hand: decodes,
        /// validates, runs the method and returns the encoded response, with no stream in
        /// between (`RPCServer` uses it when `RPCServerStream.request` is set).
        public let unary: UnaryBody?

        init(
            method: MethodDescriptor,
            handle: @escaping @Sendable (RPCAsyncSequence<[UInt8]>, RPCWriter<[UInt8]>, ServerContext) async throws -> Void,
            unary: UnaryBody? = nil
        ) {
            self.method = method
            self.handle = handle
            self.unary = unary
        }
    }

    /// Handlers by `package.Service/Method`.
    public private(set) var handlers: [String: Handler] = [:]
    /// Limits applied when decoding requests.
    public var limits: DecodingLimits

    public init(limits: DecodingLimits = .default) {
        self.limits = limits
    }

    /// The handler for a method, if registered.
    public func handler(for fullName: String) -> Handler? { handlers[fullName] }

    /// Whether any method of `service` is registered (tells unimplemented method from service).
    public func hasService(_ service: String) -> Bool {
        handlers.values.contains { $0.method.service == service }
    }

    /// Registers every method of `service`.
    public mutating func register(_ service: some RPCService) {
        service.registerMethods(with: &self)
    }

    public mutating func registerUnary<Input: SerializableMessage, Output: SerializableMessage>(
        _ method: MethodDescriptor, _ input: Input.Type, _ output: Output.Type,
        _ body: @escaping @Sendable (Input, ServerContext) async throws -> Output
    ) {
        let limits = self.limits
        handlers[method.fullName] = Handler(
            method: method,
            handle: { requests, responses, context in
                let request: Input = try await Self.single(requests, limits: limits, method: method)
                try await responses.write(try Self.encode(try await body(request, context)))
            },
            unary: { bytes, context in
                try Self.encode(try await body(try Self.decode(bytes, Input.self, limits: limits, method: method), context))
            })
    }

    public mutating func registerServerStreaming<Input: SerializableMessage, Output: SerializableMessage>(
        _ method: MethodDescriptor, _ input: Input.Type, _ output: Output.Type,
        _ body: @escaping @Sendable (Input, RPCWriter<Output>, ServerContext) async throws -> Void
    ) {
        let limits = self.limits
        handlers[method.fullName] = Handler(method: method) { requests, responses, context in
            let request: Input = try await Self.single(requests, limits: limits, method: method)
            try await body(request, responses.map(Self.encode), context)
        }
    }

    public mutating func registerClientStreaming<Input: SerializableMessage, Output: SerializableMessage>(
        _ method: MethodDescriptor, _ input: Input.Type, _ output: Output.Type,
        _ body: @escaping @Sendable (RPCAsyncSequence<Input>, ServerContext) async throws -> Output
    ) {
        let limits = self.limits
        handlers[method.fullName] = Handler(method: method) { requests, responses, context in
            let decoded = RPCAsyncSequence(wrapping: requests.map { try Self.decode($0, Input.self, limits: limits, method: method) })
            try await responses.write(try Self.encode(try await body(decoded, context)))
        }
    }

    public mutating func registerBidirectionalStreaming<Input: SerializableMessage, Output: SerializableMessage>(
        _ method: MethodDescriptor, _ input: Input.Type, _ output: Output.Type,
        _ body: @escaping @Sendable (RPCAsyncSequence<Input>, RPCWriter<Output>, ServerContext) async throws -> Void
    ) {
        let limits = self.limits
        handlers[method.fullName] = Handler(method: method) { requests, responses, context in
            let decoded = RPCAsyncSequence(wrapping: requests.map { try Self.decode($0, Input.self, limits: limits, method: method) })
            try await body(decoded, responses.map(Self.encode), context)
        }
    }

    // MARK: Coding

    /// Decodes and validates one request; bad bytes and broken rules are `invalid_argument`.
    static func decode<Input: SerializableMessage>(
        _ bytes: [UInt8], _ type: Input.Type, limits: DecodingLimits, method: MethodDescriptor
    ) throws(RPCError) -> Input {
        let request: Input
        do {
            request = try Input(serializedBytes: bytes, limits: limits)
        } catch {
            let code: RPCError.Code = error.code == .tooLarge ? .resourceExhausted : .invalidArgument
            throw RPCError(code: code, message: "request to \(method.fullName) is not valid: \(error)")
        }
        do {
            try request.validate()
        } catch {
            throw RPCError(invalidArgument: error)
        }
        return request
    }

    static func encode<Output: SerializableMessage>(_ response: Output) throws(RPCError) -> [UInt8] {
        do {
            return try response.serializedBytes()
        } catch {
            throw RPCError(code: .internal, message: "response could not be encoded: \(error)")
        }
    }

    /// The one request of a unary or server-streaming call.
    static func single<Input: SerializableMessage>(
        _ requests: RPCAsyncSequence<[UInt8]>, limits: DecodingLimits, method: MethodDescriptor
    ) async throws -> Input {
        try decode(try await singleBytes(requests, method: method), Input.self, limits: limits, method: method)
    }

    /// The one encoded request; not generic, so reading it is compiled once in this module.
    static func singleBytes(_ requests: RPCAsyncSequence<[UInt8]>, method: MethodDescriptor) async throws -> [UInt8] {
        var iterator = requests.makeAsyncIterator()
        guard let first = try await iterator.next() else {
            throw RPCError(code: .invalidArgument, message: "\(method.fullName) expects one request message, got none")
        }
        guard try await iterator.next() == nil else {
            throw RPCError(code: .invalidArgument, message: "\(method.fullName) expects one request message, got more")
        }
        return first
    }
}

extension RPCError {
    /// `invalid_argument` naming the field that broke its rule.
    public init(invalidArgument violation: ValidationError) {
        self.init(
            code: .invalidArgument, message: "\(violation.fieldPath): \(violation.reason)",
            details: [FieldViolationDetail(field: violation.fieldPath, description: violation.reason).detail])
    }
}

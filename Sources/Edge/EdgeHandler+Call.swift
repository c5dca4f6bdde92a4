import NIOCore
import NIOHTTP1
import RPCCore

extension EdgeHandler {
    /// Checks the request's credentials, limits and deadline, binds its request message(s) and
    /// makes the call in the method's shape; nothing reaches the service before every check passed.
    func call(
        _ target: MethodTarget, _ binding: RequestBinding, variables: [String], _ requestTarget: RequestTarget,
        _ request: PreparedRequest, body: [UInt8], _ writer: ResponseWriter, _ closeFuture: EventLoopFuture<Void>
    ) async throws {
        let headers = request.head.headers
        let credential = try BearerToken.parse(headers["authorization"])
        if credential == .none && !target.method.policy.isPublic { throw BearerToken.missing }
        if target.isRateLimited, let limited = limiter.check(request.peer) { throw limited }
        let streaming = target.method.kind == .serverStreaming
        let timeout = try RequestTimeout.resolve(
            headers[RequestTimeout.header],
            default: streaming ? configuration.defaultStreamingTimeout : configuration.defaultTimeout,
            maximum: configuration.maxTimeout)
        let options = CallOptions(timeout: timeout, metadata: metadata(credential, request))

        switch target.method.kind {
        case .unary:
            let message = try binder.request(
                binding: binding, input: target.input, variables: variables, query: requestTarget.query, body: body)
            let response: RawMessage = try await target.caller.unary(request: RawMessage(bytes: message), method: target.method, options: options)
            try await writer.send(.ok, headers: Self.jsonHeaders, body: try translator.json(fromBinary: response.bytes, as: target.output))
        case .clientStreaming:
            let messages = try binder.streamedRequests(
                binding: binding, input: target.input, variables: variables, query: requestTarget.query, body: body)
            let response: RawMessage = try await target.caller.clientStreaming(method: target.method, options: options) {
                (requests: RPCWriter<RawMessage>) in
                for message in messages { try await requests.write(RawMessage(bytes: message)) }
            }
            try await writer.send(.ok, headers: Self.jsonHeaders, body: try translator.json(fromBinary: response.bytes, as: target.output))
        case .serverStreaming:
            let message = try binder.request(
                binding: binding, input: target.input, variables: variables, query: requestTarget.query, body: body)
            try await stream(target, RawMessage(bytes: message), options, writer, closeFuture)
        default:
            throw EdgeError(.unimplemented, "\(target.method) streams both ways, which HTTP/1.1 cannot carry; call it over RPC")
        }
    }

    /// A server-streaming call as server-sent events: the head goes out when the call opens,
    /// then one event per message, and an `end` (or `error`) event last. The call is cancelled
    /// when the client goes away, found by the connection closing or a heartbeat failing.
    private func stream(
        _ target: MethodTarget, _ request: RawMessage, _ options: CallOptions, _ writer: ResponseWriter,
        _ closeFuture: EventLoopFuture<Void>
    ) async throws {
        let translator = self.translator
        let heartbeat = configuration.sseHeartbeat
        try await target.caller.serverStreaming(request: request, method: target.method, options: options) {
            (responses: RPCAsyncSequence<RawMessage>) in
            try await writer.startStream(.ok, headers: ServerSentEvents.headers)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await message in responses {
                        try await writer.chunk(ServerSentEvents.message(try translator.json(fromBinary: message.bytes, as: target.output)))
                    }
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: heartbeat)
                        try await writer.chunk(ServerSentEvents.heartbeat)
                    }
                }
                group.addTask {
                    await ChannelClosure.wait(for: closeFuture)
                    try Task.checkCancellation()
                    throw CancellationError()
                }
                // The first child to finish decides: the stream ended (or failed), or the client left.
                defer { group.cancelAll() }
                try await group.next()
            }
        }
        try await writer.chunk(ServerSentEvents.end)
        try await writer.endStream()
    }

    /// The call metadata: the bearer token, the request id, and the configured forwarded headers.
    private func metadata(_ credential: BearerToken.Credential, _ request: PreparedRequest) -> Metadata {
        var metadata = Metadata()
        if case .bearer(let value) = credential { metadata.add("authorization", value) }
        metadata.add(RequestID.metadataKey, request.requestID)
        for name in configuration.forwardedHeaders {
            for value in request.head.headers[name] { metadata.add(name, value) }
        }
        return metadata
    }
}

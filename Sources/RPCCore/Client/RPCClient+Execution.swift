/// Where a call's request messages come from.
enum RequestSource: Sendable {
    /// One encoded request (unary, server streaming): written, then the request side ends.
    case single([UInt8])
    /// Written by the caller's producer, concurrently with reading the responses.
    case producer(@Sendable (RPCWriter<[UInt8]>) async throws -> Void)
}

/// Reads a call's response parts (with the attempt's record) into the call's result. Not generic
/// over the message type, so the call path below it is compiled (specialised) once in this
/// module rather than run through generic metadata for every generated message type.
typealias ResponseHandler<Result> = @Sendable (RPCAsyncSequence<RPCResponsePart>, ClientCallRecord) async throws -> Result

/// One attempt of a call, from its start (method, metadata, deadline) to its result. Nonsending,
/// like the whole unary path: it runs on the caller's executor with no switch at each call.
typealias CallAttempt<Result> = nonisolated(nonsending) @Sendable (RPCCallStart, ClientCallRecord) async throws -> Result

extension RPCClient {
    /// Runs a streaming call (any shape over a stream): deadline, interceptors, retries, attempts.
    func execute<Result: Sendable>(
        method: MethodDescriptor, options: CallOptions, requests: RequestSource,
        onResponse: @escaping ResponseHandler<Result>
    ) async throws -> Result {
        try await execute(method: method, options: options, callLayerOnly: false) { start, record in
            try await self.stream(start, requests: requests, record: record, onResponse: onResponse)
        }
    }

    /// Runs a call: deadline, interceptors, retries, each attempt made by `perform`.
    /// `callLayerOnly`: `perform` is this type's own code, no caller's closure (a unary call).
    nonisolated(nonsending) func execute<Result: Sendable>(
        method: MethodDescriptor, options: CallOptions, callLayerOnly: Bool, perform: @escaping CallAttempt<Result>
    ) async throws -> Result {
        let timeoutDeadline = options.timeout.map { ContinuousClock.now.advanced(by: $0) }
        let call = ClientCallContext(
            method: method, metadata: options.metadata, deadline: RPCDeadline.earliest(timeoutDeadline, RPCDeadline.current))
        do {
            if interceptors.isEmpty {
                return try await retrying(call, options: options, callLayerOnly: callLayerOnly, perform: perform)
            }
            var result: Result?
            try await interceptors.run(call: call) { call in
                result = try await retrying(call, options: options, callLayerOnly: callLayerOnly, perform: perform)
            }
            guard let result else {
                throw RPCError(code: .internal, message: "a client interceptor returned without making the call")
            }
            return result
        } catch is CancellationError {
            throw RPCError.callCancelled
        }
    }

    /// Makes attempts until one succeeds or the failure may not be retried.
    nonisolated(nonsending) private func retrying<Result: Sendable>(
        _ call: ClientCallContext, options: CallOptions, callLayerOnly: Bool, perform: @escaping CallAttempt<Result>
    ) async throws -> Result {
        // Only a method declared idempotent is ever retried: anything else might run twice.
        let policy = call.method.policy.isIdempotent ? options.retries : nil
        var attempt = 1
        var backoff = policy?.initialBackoff ?? .zero
        var transparentRetryUsed = false
        while true {
            let record = ClientCallRecord()
            do {
                return try await self.attempt(call, callLayerOnly: callLayerOnly, record: record, perform: perform)
            } catch let error as RPCError where error.wasNeverProcessed && !transparentRetryUsed && !Task.isCancelled {
                // The server never saw it (GOAWAY): safe to send again once, for any method.
                transparentRetryUsed = true
                continue
            } catch let error as RPCError {
                guard let policy, attempt < policy.maxAttempts, policy.retryableCodes.contains(error.code),
                    record.messagesReceived == 0, !Task.isCancelled
                else { throw error }
                // Full jitter in [backoff/2, backoff], so clients that failed together do not retry together.
                let delay = backoff * Double.random(in: 0.5...1)
                if let deadline = call.deadline, ContinuousClock.now.advanced(by: delay) >= deadline { throw error }
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw RPCError.callCancelled
                }
                attempt += 1
                backoff = min(backoff * policy.multiplier, policy.maxBackoff)
            }
        }
    }

    /// One attempt, bounded by the call's deadline.
    nonisolated(nonsending) private func attempt<Result: Sendable>(
        _ call: ClientCallContext, callLayerOnly: Bool, record: ClientCallRecord, perform: @escaping CallAttempt<Result>
    ) async throws -> Result {
        let start = RPCCallStart(method: call.method.fullName, metadata: call.metadata, deadline: call.deadline)
        guard let deadline = call.deadline else { return try await perform(start, record) }
        guard deadline > .now else { throw RPCError.deadlineExceeded }
        if callLayerOnly && transport.enforcesDeadlines {
            // Only the transport's waits remain, and it ends them at the deadline itself: no task
            // racing a sleep per call. Caller closures (streaming calls) always get the race,
            // which cancels them at the deadline.
            return try await perform(start, record)
        }
        let outcome = await race(deadline: deadline) {
            await catching { try await perform(start, record) }
        }
        switch outcome {
        case .completed(let result): return try result.get()
        case .expired: throw RPCError.deadlineExceeded
        }
    }

    /// Opens a stream, writes the requests and hands the responses to `onResponse`.
    private func stream<Result: Sendable>(
        _ start: RPCCallStart, requests: RequestSource, record: ClientCallRecord,
        onResponse: @escaping ResponseHandler<Result>
    ) async throws -> Result {
        try await transport.withStream(start) { stream in
            switch requests {
            case .single(let bytes):
                // A failed write means the call is already over; the responses say how.
                do {
                    try await stream.outbound.write(.message(bytes))
                    try await stream.outbound.write(.end)
                } catch {
                    record.recordBrokenRequestStream()
                }
                return try await onResponse(stream.inbound, record)
            case .producer(let produce):
                return try await withThrowingTaskGroup(of: Result?.self) { group in
                    group.addTask {
                        let writer = RPCWriter<[UInt8]> { bytes in
                            do {
                                try await stream.outbound.write(.message(bytes))
                            } catch {
                                record.recordBrokenRequestStream()
                                throw error
                            }
                        }
                        do {
                            try await produce(writer)
                            try await stream.outbound.write(.end)
                        } catch where record.requestStreamBroken || Task.isCancelled {
                            // The server finished first (or the call is ending): the responses decide.
                        }
                        return nil
                    }
                    group.addTask { try await onResponse(stream.inbound, record) }
                    while let next = try await group.next() {
                        if let result = next {
                            // The responses are complete; a producer still writing is not needed.
                            group.cancelAll()
                            return result
                        }
                    }
                    throw RPCError(code: .internal, message: "the response handler did not finish")
                }
            }
        }
    }
}

/// The outcome of `body` as a value.
func catching<Value>(_ body: () async throws -> Value) async -> Result<Value, any Error> {
    do {
        return .success(try await body())
    } catch {
        return .failure(error)
    }
}

public import ProtoRuntime
public import Logging
import Synchronization

/// Serves the registered services on one or more transports: finds each call's handler, runs the
/// interceptors and the handler under the call's deadline, and answers with a status.
///
/// Run it with `serve()`; stop it with `beginGracefulShutdown(gracePeriod:)` (or by cancelling the
/// task running `serve()`, which cancels every call at once).
public final class RPCServer: Sendable {
    /// The methods served.
    public let router: RPCRouter
    private let transports: [any ServerTransport]
    private let interceptors: [any ServerInterceptor]
    private let logger: Logger
    /// Each method's handler with a logger that already carries `rpc.method`: made once here,
    /// so a call does not copy the log handler's metadata to add it.
    private let routes: [String: Route]
    private let shutdown = OneShotSignal<Duration>()
    /// Set when calls in flight are being cancelled because the server stops (they answer
    /// `unavailable`, which clients may retry elsewhere).
    private let stopping = Atomic<Bool>(false)

    /// A server for `services` (registered on a router with `limits`).
    public convenience init(
        services: [any RPCService], transports: [any ServerTransport], interceptors: [any ServerInterceptor] = [],
        limits: DecodingLimits = .default, logger: Logger = Logger(label: "clinic.rpc.server")
    ) {
        var router = RPCRouter(limits: limits)
        for service in services { router.register(service) }
        self.init(router: router, transports: transports, interceptors: interceptors, logger: logger)
    }

    /// A server for the methods of `router`.
    public init(
        router: RPCRouter, transports: [any ServerTransport], interceptors: [any ServerInterceptor] = [],
        logger: Logger = Logger(label: "clinic.rpc.server")
    ) {
        self.router = router
        self.transports = transports
        self.interceptors = interceptors
        self.logger = logger
        routes = router.handlers.mapValues { handler in
            var methodLogger = logger
            methodLogger[metadataKey: "rpc.method"] = .string(handler.method.fullName)
            return Route(handler: handler, logger: methodLogger)
        }
    }

    private struct Route: Sendable {
        let handler: RPCRouter.Handler
        let logger: Logger
    }

    /// Accepts and serves calls until shut down; returns when every call has finished.
    public func serve() async throws {
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for transport in transports {
                    group.addTask {
                        try await transport.listen { stream in await self.handle(stream) }
                        return true
                    }
                }
                group.addTask {
                    // The watchdog: after a shutdown request, waits out the grace period.
                    guard let grace = try? await self.shutdown.wait() else { return false }
                    for transport in self.transports { transport.beginGracefulShutdown() }
                    guard (try? await Task.sleep(for: grace)) != nil else { return false }
                    return false
                }
                var listening = transports.count
                while let finished = try await group.next() {
                    if finished {
                        listening -= 1
                        if listening == 0 { group.cancelAll() }
                    } else if listening > 0 {
                        // The grace period is over: cancel what is still running.
                        stopping.store(true, ordering: .relaxed)
                        group.cancelAll()
                    }
                }
            }
        } onCancel: {
            stopping.store(true, ordering: .relaxed)
        }
    }

    /// Stops accepting calls; calls in flight get `gracePeriod` to finish, then are cancelled and
    /// answer `unavailable`. `serve()` returns once every call has finished.
    public func beginGracefulShutdown(gracePeriod: Duration = .seconds(10)) {
        shutdown.fire(gracePeriod)
    }

    // MARK: One call

    /// Serves one stream from a transport (public so a transport test can drive it directly).
    nonisolated(nonsending) public func handle(_ stream: RPCServerStream) async {
        let start = stream.start
        guard let route = routes[start.method] else {
            let service = start.serviceName
            let message = router.hasService(service) ? "method \(start.method) not found" : "service \(service) not found"
            try? await stream.outbound.write(.trailers(RPCStatus(code: .unimplemented, message: message), [:]))
            return
        }
        let handler = route.handler
        var logger = route.logger
        if let requestID = start.metadata["clinic-request-id"] {
            logger[metadataKey: "rpc.request_id"] = "\(requestID)"
        }
        let context = ServerContext(
            method: handler.method, requestMetadata: start.metadata, deadline: start.deadline, peer: stream.peer,
            logger: logger)
        let call = ServerCall(stream: stream, context: context)
        // A unary call whose request is already here skips the request and response streams.
        let body: Body
        if let request = stream.request, let unary = handler.unary {
            body = .unary(unary, request)
        } else {
            body = .streams(handler.handle)
        }
        let outcome: Outcome
        if let deadline = start.deadline {
            if deadline <= .now {
                outcome = .failure(.deadlineExceeded)
            } else if stream.enforcesDeadline {
                // The transport cancels this task at the deadline (no task racing a sleep per call).
                let ran = await run(body, call)
                let expired = Task.isCancelled && deadline <= .now && !stopping.load(ordering: .relaxed)
                outcome = expired ? .failure(.deadlineExceeded) : ran
            } else {
                switch await race(deadline: deadline, { await self.run(body, call) }) {
                case .completed(let ran): outcome = ran
                case .expired: outcome = .failure(.deadlineExceeded)
                }
            }
        } else {
            outcome = await run(body, call)
        }
        switch outcome {
        case .success(let response):
            logger.debug("call finished", metadata: ["rpc.code": "ok"])
            await call.finish(response: response)
        case .failure(let error):
            logger.debug("call finished", metadata: ["rpc.code": "\(error.code.name)"])
            await call.finish(error)
        }
    }

    /// How a call's handler runs: over the request and response streams, or (unary, request in
    /// hand) as one function from request to response.
    private enum Body: Sendable {
        case streams(@Sendable (RPCAsyncSequence<[UInt8]>, RPCWriter<[UInt8]>, ServerContext) async throws -> Void)
        case unary(RPCRouter.UnaryBody, [UInt8])
    }

    /// The handler's outcome: success with the response message still to write (the unary
    /// path) or nil (the handler wrote its responses), or the error to report.
    private typealias Outcome = Result<[UInt8]?, RPCError>

    /// Runs the interceptors and the handler.
    nonisolated(nonsending) private func run(_ body: Body, _ call: ServerCall) async -> Outcome {
        do {
            return .success(
                try await RPCDeadline.$current.withValue(call.context.deadline) { () async throws -> [UInt8]? in
                    guard !interceptors.isEmpty else { return try await invoke(body, call, call.context) }
                    var response: [UInt8]?
                    try await interceptors.run(context: call.context) { context in
                        response = try await invoke(body, call, context)
                    }
                    return response
                })
        } catch let error as RPCError {
            return .failure(error)
        } catch {
            if error is CancellationError || Task.isCancelled {
                return .failure(stopping.load(ordering: .relaxed) ? .serverStopping : .callCancelled)
            }
            // Never send an arbitrary error's description: it may hold internals or patient data.
            call.context.logger.error(
                "handler threw an error that is not an RPCError", metadata: ["error.type": "\(type(of: error))"])
            return .failure(RPCError(code: .unknown, message: "the handler failed"))
        }
    }

    nonisolated(nonsending) private func invoke(_ body: Body, _ call: ServerCall, _ context: ServerContext) async throws -> [UInt8]? {
        switch body {
        case .streams(let handle):
            try await handle(call.stream.inbound, call.messages, context)
            return nil
        case .unary(let handle, let request):
            return try await handle(request, context)
        }
    }
}

extension RPCError {
    /// The call's deadline passed.
    static let deadlineExceeded = RPCError(code: .deadlineExceeded, message: "the deadline was exceeded")
    /// The caller cancelled the call.
    static let callCancelled = RPCError(code: .cancelled, message: "the call was cancelled")
    /// The server stopped before the call finished.
    static let serverStopping = RPCError(code: .unavailable, message: "the server is shutting down")
}

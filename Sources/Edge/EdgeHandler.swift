import Logging
import NIOCore
import NIOHTTP1
import ProtoRuntime
import RPCCore

/// Routes each request and answers it: calls through the method's caller, the OpenAPI
/// document, static files, CORS preflights, and JSON errors for everything that fails.
/// Built once by `EdgeServer`; shared by every connection.
struct EdgeHandler: Sendable {
    let routes: RouteTable
    let binder: RequestBinder
    let translator: MessageTranslator
    let cors: CORSPolicy
    let limiter: RateLimiter
    let staticFiles: StaticFiles?
    let openAPI: OpenAPIDocument
    let configuration: EdgeConfiguration
    let logger: Logger

    static let jsonHeaders: [(String, String)] = [
        ("Content-Type", "application/json; charset=utf-8"),
        // API answers may carry medical data: no shared or browser cache keeps them.
        ("Cache-Control", "no-store"),
    ]

    // MARK: Routing (before the body is read)

    /// Routes `head`; cheap, so the body limit is known before the body is read.
    func prepare(_ head: HTTPRequestHead, peer: String) -> PreparedRequest {
        let requestID = RequestID.resolve(head.headers[RequestID.header])
        let origin = head.headers.first(name: "origin")
        var common: [(String, String)] = [("X-Request-Id", requestID)]
        common += cors.headers(origin: origin)
        let disposition = route(head, origin: origin)
        var limit = configuration.maxBodyBytes
        if case .call(let target, _, _, _) = disposition, target.method.kind == .clientStreaming {
            limit = configuration.maxStreamingBodyBytes
        }
        if case .preflight = disposition { common = [("X-Request-Id", requestID)] }
        return PreparedRequest(
            head: head, disposition: disposition, requestID: requestID, peer: peer, bodyLimit: limit, commonHeaders: common)
    }

    private func route(_ head: HTTPRequestHead, origin: String?) -> PreparedRequest.Disposition {
        let method = head.method.rawValue
        if method == "OPTIONS", let origin, head.headers.contains(name: "access-control-request-method") {
            return .preflight(origin: origin)
        }
        guard let target = RequestTarget(head.uri) else {
            return .fail(EdgeError(.invalidArgument, "the request target is not a valid path"))
        }
        if target.segments == ["openapi.json"], target.verb == nil {
            return method == "GET" || method == "HEAD" ? .openAPI : .fail(.methodNotAllowed(method, allowed: ["GET", "HEAD"]))
        }
        switch routes.match(method: method, target: target) {
        case .rpc(let found):
            return .call(found, .rpc, variables: [], target: target)
        case .resource(let route, let variables):
            return .call(route.target, route.binding, variables: variables, target: target)
        case .methodNotAllowed(let allowed):
            return .fail(.methodNotAllowed(method, allowed: allowed))
        case .notFound:
            let isAPI = target.segments.first == "v1" || target.segments.first == RouteTable.rpcPrefix
            if !isAPI, staticFiles != nil, method == "GET" || method == "HEAD" { return .staticFile(target) }
            return .fail(.routeNotFound(target.rawPath))
        }
    }

    // MARK: Answering

    /// Answers `request`, whose body is `body`; never throws: every failure becomes a JSON error
    /// (or, once an event stream has started, its final `error` event).
    func respond(to request: PreparedRequest, body: [UInt8], writer: ResponseWriter, closeFuture: EventLoopFuture<Void>) async {
        let started = ContinuousClock.now
        do {
            switch request.disposition {
            case .call(let target, let binding, let variables, let requestTarget):
                try await call(target, binding, variables: variables, requestTarget, request, body: body, writer, closeFuture)
            case .openAPI:
                try await writer.send(.ok, headers: [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-cache")], body: openAPI.bytes)
            case .staticFile(let target):
                // Force-unwrap: `.staticFile` is only routed when static files are configured.
                let file = try staticFiles!.file(for: target.rawPath, requestHeaders: request.head.headers)
                try await writer.send(file.status, headers: file.headers, body: file.body)
            case .preflight(let origin):
                try await writer.send(.noContent, headers: try cors.preflight(origin: origin), body: [])
            case .fail(let error):
                throw error
            }
        } catch {
            await fail(error, request: request, writer: writer)
        }
        log(request, writer: writer, started: started)
    }

    /// Answers a request whose body broke the limit (the connection then closes).
    func reject(_ request: PreparedRequest, _ error: EdgeError, writer: ResponseWriter) async {
        await fail(error, request: request, writer: writer)
        log(request, writer: writer, started: .now)
    }

    private func fail(_ error: any Error, request: PreparedRequest, writer: ResponseWriter) async {
        let edgeError: EdgeError
        switch error {
        case let error as EdgeError: edgeError = error
        case let error as RPCError: edgeError = EdgeError(error)
        case is CancellationError: edgeError = EdgeError(.cancelled, "the request was cancelled")
        default:
            logger.error("request failed with an unexpected error", metadata: ["error.type": "\(type(of: error))", "request_id": "\(request.requestID)"])
            edgeError = EdgeError(.internal, "the request failed")
        }
        let body = translator.body(of: edgeError)
        do {
            if writer.hasStarted {
                try await writer.chunk(ServerSentEvents.error(body))
                try await writer.endStream()
            } else {
                try await writer.send(edgeError.status, headers: Self.jsonHeaders + edgeError.headers, body: body)
            }
        } catch {
            logger.debug("could not send the error, the client is gone", metadata: ["request_id": "\(request.requestID)"])
        }
    }

    private func log(_ request: PreparedRequest, writer: ResponseWriter, started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        // Never the query, headers or body: they may hold tokens, names or medical data.
        logger.info("request", metadata: [
            "request_id": "\(request.requestID)",
            "http.method": "\(request.head.method.rawValue)",
            "http.route": "\(request.logRoute)",
            "http.status": "\(writer.status?.code ?? 0)",
            "client": "\(request.peer)",
            "duration_ms": "\((milliseconds * 10).rounded() / 10)",
        ])
    }
}

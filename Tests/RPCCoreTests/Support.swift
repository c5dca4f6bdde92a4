import ClinicAPI
import InteropService
import RPCCore
import Synchronization
import WellKnownTypes

typealias TestService = Clinic_Testing_V1_TestService

/// A server and a client over the in-process transport, with the interop and health services.
struct InProcessHarness: Sendable {
    let transport: InProcessTransport
    let server: RPCServer
    let serving: Task<Void, any Error>

    init(
        services: (InProcessTransport) -> [any RPCService] = { _ in [] }, interceptors: [any ServerInterceptor] = [],
        bufferSize: Int = 8, peer: Peer = Peer(address: "in-process", identity: "spiffe://clinic/test")
    ) {
        let transport = InProcessTransport(bufferSize: bufferSize, peer: peer)
        let server = RPCServer(
            services: [InteropTestService(), HealthService(serving: [TestService.descriptor])] + services(transport),
            transports: [transport.server], interceptors: interceptors)
        self.transport = transport
        self.server = server
        self.serving = Task { try await server.serve() }
    }

    func rpc(interceptors: [any ClientInterceptor] = []) -> RPCClient {
        RPCClient(transport: transport.client, interceptors: interceptors)
    }

    func client(interceptors: [any ClientInterceptor] = []) -> TestService.Client {
        TestService.Client(caller: rpc(interceptors: interceptors))
    }

    func stop() async throws {
        server.beginGracefulShutdown(gracePeriod: .seconds(5))
        try await serving.value
    }
}

/// Records each call the server handles and how it ended.
final class Recorder: ServerInterceptor {
    struct Call: Sendable {
        var method: String
        var deadline: ContinuousClock.Instant?
        var metadata: Metadata
        var identity: String?
        var outcome: String?
    }

    private let calls = Mutex<[Call]>([])
    var all: [Call] { calls.withLock { $0 } }
    func calls(to method: String) -> [Call] { all.filter { $0.method.hasSuffix("/" + method) } }

    func intercept(context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
        let index = calls.withLock {
            $0.append(Call(method: context.method.fullName, deadline: context.deadline, metadata: context.requestMetadata, identity: context.peer.identity))
            return $0.count - 1
        }
        do {
            try await next(context)
            calls.withLock { $0[index].outcome = "ok" }
        } catch {
            let outcome = error is CancellationError || Task.isCancelled ? "cancelled" : (error as? RPCError)?.code.name ?? "other"
            calls.withLock { $0[index].outcome = outcome }
            throw error
        }
    }
}

/// Fails the first `failures` calls of every method with `code` (before the handler runs).
final class FailFirst: ServerInterceptor {
    let failures: Int
    let code: RPCError.Code
    private let counts = Mutex<[String: Int]>([:])

    init(_ failures: Int, with code: RPCError.Code = .unavailable) {
        self.failures = failures
        self.code = code
    }

    func attempts(_ method: String) -> Int { counts.withLock { $0.first { $0.key.hasSuffix("/" + method) }?.value ?? 0 } }

    func intercept(context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
        let attempt = counts.withLock { counts -> Int in
            counts[context.method.fullName, default: 0] += 1
            return counts[context.method.fullName]!
        }
        if attempt <= failures { throw RPCError(code: code, message: "attempt \(attempt) fails") }
        try await next(context)
    }
}

/// Polls until `condition` holds (a safety net of 20 s, never an assertion on time).
func eventually(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw RPCError(code: .deadlineExceeded, message: "condition never held") }
        try await Task.sleep(for: .milliseconds(5))
    }
}

func payload(_ size: Int) -> Clinic_Testing_V1_Payload {
    var payload = Clinic_Testing_V1_Payload()
    payload.body = [UInt8](repeating: 0, count: size)
    return payload
}

func outputRequest(_ sizes: [Int32], intervalUs: Int32 = 0) -> Clinic_Testing_V1_StreamingOutputCallRequest {
    var request = Clinic_Testing_V1_StreamingOutputCallRequest()
    request.responseParameters = sizes.map { size in
        var parameters = Clinic_Testing_V1_ResponseParameters()
        parameters.size = size
        parameters.intervalUs = intervalUs
        return parameters
    }
    return request
}

/// `UnimplementedService` as a relay: calls the sleeping FullDuplexCall through `downstream`.
struct Relay: Clinic_Testing_V1_UnimplementedService.ServiceProtocol {
    let downstream: TestService.Client

    func unimplementedCall(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Google_Protobuf_Empty {
        try await downstream.fullDuplexCall { writer in
            try await writer.write(outputRequest([1], intervalUs: 600_000_000))
        } onResponse: { responses in
            for try await _ in responses {}
        }
        return Google_Protobuf_Empty()
    }
}

import RPCCore
import Synchronization

/// A server interceptor that records what each call looked like and how it ended, so a test
/// can check what reached the server (deadline, identity, cancellation).
final class CallRecorder: ServerInterceptor {
    struct Call: Sendable {
        var method: String
        var deadline: ContinuousClock.Instant?
        var identity: String?
        var metadata: Metadata
        /// nil while running; "ok" or the code name once finished.
        var outcome: String?
        /// Whether the handler's task saw cancellation.
        var cancelled = false
    }

    private let calls = Mutex<[Call]>([])

    var all: [Call] { calls.withLock { $0 } }

    func calls(to method: String) -> [Call] { all.filter { $0.method.hasSuffix(method) } }

    func intercept(context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
        let index = calls.withLock { calls in
            calls.append(
                Call(
                    method: context.method.fullName, deadline: context.deadline, identity: context.peer.identity,
                    metadata: context.requestMetadata))
            return calls.count - 1
        }
        do {
            try await next(context)
            calls.withLock { $0[index].outcome = "ok" }
        } catch {
            let cancelled = Task.isCancelled
            let code = error is CancellationError ? "cancelled" : (error as? RPCError)?.code.name ?? "\(type(of: error))"
            calls.withLock {
                $0[index].outcome = code
                $0[index].cancelled = cancelled
            }
            throw error
        }
    }
}

internal import NIOCore
internal import RPCCore
import Synchronization

/// The server transport's books: its open connections and running handler tasks, so `listen`
/// can return once it has stopped accepting and everything it started has finished.
final class ServerConnectionTracker: Sendable {
    private struct State {
        var handler: RPCStreamHandler?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var runningHandlers = 0
        var accepting = true
        var waiter: CheckedContinuation<Void, Never>?

        var isDone: Bool { !accepting && connections.isEmpty && runningHandlers == 0 }
    }

    private let state = Mutex(State())

    init() {}

    /// Sets the function that serves each call (given to `listen`).
    func setHandler(_ handler: @escaping RPCStreamHandler) {
        state.withLock { $0.handler = handler }
    }

    /// Serves one call with the listener's function.
    nonisolated(nonsending) func handler(_ stream: RPCServerStream) async {
        guard let handler = state.withLock({ $0.handler }) else { return }
        await handler(stream)
    }

    /// Records a new connection; false when no longer accepting (close it).
    func connectionOpened(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard state.accepting else { return false }
            state.connections[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func connectionClosed(_ channel: any Channel) {
        update { $0.connections[ObjectIdentifier(channel)] = nil }
    }

    func handlerStarted() {
        state.withLock { $0.runningHandlers += 1 }
    }

    func handlerFinished() {
        update { $0.runningHandlers -= 1 }
    }

    /// Stops accepting; returns the open connections (to drain or close).
    func stopAccepting() -> [any Channel] {
        var channels: [any Channel] = []
        update { state in
            state.accepting = false
            channels = Array(state.connections.values)
        }
        return channels
    }

    /// Returns once accepting has stopped and every connection and handler has finished.
    func waitUntilDone() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.isDone { return true }
                state.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func update(_ body: (inout State) -> Void) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            body(&state)
            guard state.isDone else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}

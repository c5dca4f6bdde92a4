import NIOCore
import Synchronization

/// The open connections, so a graceful shutdown can close the idle ones at once and let busy
/// ones finish the response they are writing.
final class ConnectionRegistry: Sendable {
    private struct State {
        var connections: [ObjectIdentifier: (channel: any Channel, busy: Bool)] = [:]
        var draining = false
    }

    private let state = Mutex(State())

    /// Whether a shutdown began: connections close after their current response.
    var isDraining: Bool { state.withLock { $0.draining } }

    /// Tracks `channel`; false when the server is draining (the caller closes it).
    func open(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard !state.draining else { return false }
            state.connections[ObjectIdentifier(channel)] = (channel, false)
            return true
        }
    }

    /// Marks `channel` busy (a request arrived) or idle (its response is done); false when the
    /// server is draining and an idle connection should close.
    func setBusy(_ channel: any Channel, _ busy: Bool) -> Bool {
        state.withLock { state in
            state.connections[ObjectIdentifier(channel)]?.busy = busy
            return !state.draining
        }
    }

    func close(_ channel: any Channel) {
        _ = state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Starts draining: closes every idle connection; busy ones close when their response ends.
    func drain() {
        let idle = state.withLock { state in
            state.draining = true
            return state.connections.values.filter { !$0.busy }.map(\.channel)
        }
        for channel in idle { channel.close(promise: nil) }
    }

    /// Closes every connection, busy or not (the grace period is over).
    func closeAll() {
        let all = state.withLock { $0.connections.values.map(\.channel) }
        for channel in all { channel.close(promise: nil) }
    }
}

import NIOCore
import Synchronization

/// The open connections, so a graceful shutdown can close the idle ones at once and let busy
/// ones finish the response they are writing.
///
/// It also owns every accepted connection from its channel initializer until it is served:
/// NIO drops accepted connections still buffered in the listening channel's sequence when the
/// server closes or its task is cancelled (apple/swift-nio#2813), and a dropped connection whose
/// writer was never finished traps. Held here, the ones never served are finished and closed by
/// `finishUnserved()` when the server stops.
final class ConnectionRegistry: Sendable {
    private struct State {
        var connections: [ObjectIdentifier: (channel: any Channel, busy: Bool)] = [:]
        var unserved: [ObjectIdentifier: HTTPConnection.Channel] = [:]
        var draining = false
        var stopped = false
    }

    private let state = Mutex(State())

    /// Whether a shutdown began: connections close after their current response.
    var isDraining: Bool { state.withLock { $0.draining } }

    /// Holds a just-accepted connection until `open`; one accepted after the server stopped is
    /// closed at once.
    func adopt(_ connection: HTTPConnection.Channel) {
        let late = state.withLock { state in
            guard !state.stopped else { return true }
            state.unserved[ObjectIdentifier(connection.channel)] = connection
            return false
        }
        // Called on the event loop, which must not wait: the rare late one closes in a task.
        if late { Task { await Self.discard(connection) } }
    }

    /// Tracks `channel` (no longer unserved); false when the server is draining (the caller
    /// closes it).
    func open(_ channel: any Channel) -> Bool {
        state.withLock { state in
            state.unserved.removeValue(forKey: ObjectIdentifier(channel))
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

    /// The server stopped: finishes and closes every accepted connection that was never served.
    func finishUnserved() async {
        let unserved = state.withLock { state in
            state.stopped = true
            defer { state.unserved.removeAll() }
            return Array(state.unserved.values)
        }
        for connection in unserved { await Self.discard(connection) }
    }

    /// Closes a connection that will not be served; executeThenClose finishes its writer, as
    /// NIO requires.
    private static func discard(_ connection: HTTPConnection.Channel) async {
        try? await connection.executeThenClose { _, _ in }
    }

    /// Closes every connection, busy or not (the grace period is over).
    func closeAll() {
        let all = state.withLock { $0.connections.values.map(\.channel) }
        for channel in all { channel.close(promise: nil) }
    }
}

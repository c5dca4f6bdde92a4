import Synchronization

/// What one attempt of a client call has seen so far: the response metadata, how many response
/// messages arrived (a retry is allowed only before the first), and whether the request stream
/// broke (the server finished first, so the producer's write errors are not the call's outcome).
final class ClientCallRecord: Sendable {
    private struct State {
        var initialMetadata: Metadata = [:]
        var trailingMetadata: Metadata = [:]
        var messagesReceived = 0
        var requestStreamBroken = false
    }

    private let state = Mutex(State())

    init() {}

    var initialMetadata: Metadata { state.withLock { $0.initialMetadata } }
    var trailingMetadata: Metadata { state.withLock { $0.trailingMetadata } }
    var messagesReceived: Int { state.withLock { $0.messagesReceived } }
    var requestStreamBroken: Bool { state.withLock { $0.requestStreamBroken } }

    func recordInitial(_ metadata: Metadata) { state.withLock { $0.initialMetadata = metadata } }
    func recordTrailing(_ metadata: Metadata) { state.withLock { $0.trailingMetadata = metadata } }
    func recordMessage() { state.withLock { $0.messagesReceived += 1 } }
    func recordBrokenRequestStream() { state.withLock { $0.requestStreamBroken = true } }
}

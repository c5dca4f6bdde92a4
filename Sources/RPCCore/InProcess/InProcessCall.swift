/// One call carried in memory: a bounded channel each way and a cancellation signal.
final class InProcessCall: Sendable {
    private let requests: BoundedChannel<[UInt8]>
    private let responses: BoundedChannel<RPCResponsePart>
    private let cancelled = OneShotSignal<Void>()
    let serverStream: RPCServerStream
    let clientStream: RPCClientStream

    init(start: RPCCallStart, peer: Peer, bufferSize: Int) {
        let requests = BoundedChannel<[UInt8]>(capacity: bufferSize)
        let responses = BoundedChannel<RPCResponsePart>(capacity: bufferSize)
        self.requests = requests
        self.responses = responses
        serverStream = RPCServerStream(
            start: start, peer: peer, inbound: RPCAsyncSequence(wrapping: requests.elements),
            outbound: RPCWriter { part in
                try await responses.send(part)
                if case .trailers = part { responses.finish() }
            })
        clientStream = RPCClientStream(
            outbound: RPCWriter { part in
                switch part {
                case .message(let bytes): try await requests.send(bytes)
                case .end: requests.finish()
                }
            },
            inbound: RPCAsyncSequence(wrapping: responses.elements))
    }

    /// The client is done with the call: a handler still running is cancelled, and both
    /// directions stop (a no-op for the server once it has sent its trailers).
    func cancel() {
        cancelled.fire(())
        requests.fail(RPCError.callCancelled)
        responses.closeReceiver(RPCError.callCancelled)
    }

    /// Runs the server's handler for this call, cancelling it if the client cancels first.
    func serve(_ handler: @escaping @Sendable (RPCServerStream) async -> Void) async {
        let stream = serverStream
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await handler(stream) }
            group.addTask { [cancelled] in _ = try? await cancelled.wait() }
            await group.next()
            group.cancelAll()
        }
        // Nothing will be read or written any more: unblock a client still writing, and end the
        // responses (without trailers only if the handler broke the contract).
        requests.closeReceiver(RPCError(code: .cancelled, message: "the server finished the call"))
        responses.finish()
    }
}

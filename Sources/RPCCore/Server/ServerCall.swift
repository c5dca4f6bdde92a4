import Synchronization

/// One call being served: writes the handler's responses to the stream, sending the initial
/// metadata (from `context.response.initial`) before the first message, and ends the call with
/// trailers.
final class ServerCall: Sendable {
    let stream: RPCServerStream
    let context: ServerContext
    /// Whether the initial metadata went out (or had nothing to send).
    private let initialSent = Atomic<Bool>(false)

    init(stream: RPCServerStream, context: ServerContext) {
        self.stream = stream
        self.context = context
    }

    /// The writer the handler gets: encoded response messages.
    var messages: RPCWriter<[UInt8]> {
        RPCWriter { [self] bytes in
            if let initial = takeInitialMetadata() { try await stream.outbound.write(.metadata(initial)) }
            try await stream.outbound.write(.message(bytes))
        }
    }

    /// Ends the call: initial metadata if still pending, then the status with the trailing
    /// metadata (the handler's, then the error's). The client may be gone; that is not an error.
    func finish(_ error: RPCError?) async {
        var trailing = context.response.trailing
        if let error {
            for entry in error.metadata { trailing.append(entry) }
        }
        let status = error.map(RPCStatus.init) ?? .ok
        do {
            if let initial = takeInitialMetadata() { try await stream.outbound.write(.metadata(initial)) }
            try await stream.outbound.write(.trailers(status, trailing))
        } catch {
            context.logger.debug("could not send the status, the client is gone", metadata: ["rpc.status": "\(status)"])
        }
    }

    /// The initial metadata to send now: the first time only, and nil when it is empty (the
    /// client treats a missing one as empty, and it saves a frame). Not async, so the usual case,
    /// nothing to send, costs no async call per message.
    private func takeInitialMetadata() -> Metadata? {
        guard !initialSent.exchange(true, ordering: .relaxed) else { return nil }
        let initial = context.response.initial
        return initial.isEmpty ? nil : initial
    }
}

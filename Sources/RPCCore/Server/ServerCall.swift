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

    /// Ends the call with OK: initial metadata if still pending, then `response` (the unary
    /// path's one message, when given), then the trailers, as one batch. A response the client
    /// cannot take (over its size limit) ends the call with that error instead.
    nonisolated(nonsending) func finish(response: [UInt8]?) async {
        if let response, stream.outboundBatch == nil {
            // Part by part: a refused message is reported like one a streaming handler wrote.
            do {
                try await messages.write(response)
            } catch let error as RPCError where error.code != .cancelled {
                return await finish(error)
            } catch {
                return context.logger.debug("could not send the response, the client is gone")
            }
            return await end(status: .ok, trailing: context.response.trailing, response: nil)
        }
        await end(status: .ok, trailing: context.response.trailing, response: response)
    }

    /// Ends the call with `error`: initial metadata if still pending, then the status with the
    /// trailing metadata (the handler's, then the error's).
    nonisolated(nonsending) func finish(_ error: RPCError) async {
        var trailing = context.response.trailing
        for entry in error.metadata { trailing.append(entry) }
        await end(status: RPCStatus(error), trailing: trailing, response: nil)
    }

    /// The client may be gone; that is not an error.
    nonisolated(nonsending) private func end(status: RPCStatus, trailing: Metadata, response: [UInt8]?) async {
        var parts: [RPCResponsePart] = []
        parts.reserveCapacity(3)
        if let initial = takeInitialMetadata() { parts.append(.metadata(initial)) }
        if let response { parts.append(.message(response)) }
        parts.append(.trailers(status, trailing))
        do {
            try await stream.write(parts)
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

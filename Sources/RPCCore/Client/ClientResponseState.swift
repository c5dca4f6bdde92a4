/// Checks the order of a call's response parts — optional initial metadata, messages, then
/// trailers — and the size of each message, and turns the trailers into the call's outcome.
struct ClientResponseState {
    enum Phase {
        case awaitingFirstPart
        case receivingMessages
        case finished
    }

    /// What to do with a part.
    enum Action {
        /// Hand this message to the caller.
        case message([UInt8])
        /// Initial metadata: record it and read on.
        case initialMetadata(Metadata)
        /// The call succeeded; the messages are over.
        case end
    }

    private(set) var phase = Phase.awaitingFirstPart
    let maxMessageBytes: Int

    init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Handles the next part (`nil`: the transport's sequence ended).
    mutating func receive(_ part: RPCResponsePart?) throws(RPCError) -> Action {
        switch (phase, part) {
        case (.finished, _):
            return .end
        case (.awaitingFirstPart, .metadata(let metadata)):
            phase = .receivingMessages
            return .initialMetadata(metadata)
        case (.receivingMessages, .metadata):
            phase = .finished
            throw RPCError(code: .internal, message: "the server sent initial metadata twice")
        case (_, .message(let bytes)):
            guard bytes.count <= maxMessageBytes else {
                phase = .finished
                throw RPCError(
                    code: .resourceExhausted,
                    message: "a response message of \(bytes.count) bytes is over the limit of \(maxMessageBytes) bytes")
            }
            phase = .receivingMessages
            return .message(bytes)
        case (_, .trailers(let status, let trailing)):
            phase = .finished
            if let error = status.error(trailers: trailing) { throw error }
            return .end
        case (_, nil):
            phase = .finished
            throw RPCError(code: .internal, message: "the response stream ended without a status")
        }
    }

    /// Reads the next part from `parts`, records trailing metadata in `record`, and handles the
    /// part: the one step both response readers (streams and unary replies) take per part, with
    /// the same errors.
    mutating func next(
        from parts: inout RPCAsyncSequence<RPCResponsePart>.AsyncIterator, record: ClientCallRecord
    ) async throws -> Action {
        let part: RPCResponsePart?
        do {
            part = try await parts.next()
        } catch {
            throw Self.transportError(error)
        }
        switch part {
        case .trailers(_, let trailing): record.recordTrailing(trailing)
        case nil where Task.isCancelled: throw RPCError.callCancelled
        default: break
        }
        return try receive(part)
    }

    /// The error to report when the transport's sequence threw `error`.
    static func transportError(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError: error
        case is CancellationError: .callCancelled
        default: RPCError(code: .unavailable, message: "the transport failed: \(error)")
        }
    }
}

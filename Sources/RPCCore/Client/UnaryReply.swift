/// The encoded response of a unary call and its metadata, read without knowing the message
/// type: the unary path stays non-generic until the one message is decoded at the end.
struct UnaryReply: Sendable {
    var message: [UInt8]
    var initialMetadata: Metadata
    var trailingMetadata: Metadata

    /// Makes the call on `transport` and reads its response (see `read(_:record:maxMessageBytes:)`).
    nonisolated(nonsending) static func exchange(
        _ start: RPCCallStart, request: [UInt8], over transport: any ClientTransport, record: ClientCallRecord,
        maxMessageBytes: Int
    ) async throws -> UnaryReply {
        let parts: [RPCResponsePart]
        do {
            parts = try await transport.unary(start, request: request)
        } catch {
            throw Task.isCancelled ? RPCError.callCancelled : ClientResponseState.transportError(error)
        }
        return try read(parts, record: record, maxMessageBytes: maxMessageBytes)
    }

    /// Reads optional initial metadata, exactly one message and the trailers (whose error status
    /// is thrown), with the same checks and errors as iterating a `ClientResponseStream`.
    static func read(_ parts: [RPCResponsePart], record: ClientCallRecord, maxMessageBytes: Int) throws(RPCError) -> UnaryReply {
        var state = ClientResponseState(maxMessageBytes: maxMessageBytes)
        var message: [UInt8]?
        var initial: Metadata = [:]
        var index = parts.startIndex
        while true {
            let part = index < parts.endIndex ? parts[index] : nil
            index += 1
            if case .trailers(_, let trailing) = part { record.recordTrailing(trailing) }
            switch try state.receive(part) {
            case .initialMetadata(let metadata):
                initial = metadata
                record.recordInitial(metadata)
            case .message(let bytes):
                record.recordMessage()
                guard message == nil else {
                    throw RPCError(code: .internal, message: "the server sent more than one response message")
                }
                message = bytes
            case .end:
                guard let message else { throw RPCError(code: .internal, message: "the server sent no response message") }
                return UnaryReply(message: message, initialMetadata: initial, trailingMetadata: record.trailingMetadata)
            }
        }
    }
}

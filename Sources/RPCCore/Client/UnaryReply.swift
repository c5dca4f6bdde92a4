/// The encoded response of a unary call and its metadata, read without knowing the message
/// type: the unary path stays non-generic until the one message is decoded at the end.
struct UnaryReply: Sendable {
    var message: [UInt8]
    var initialMetadata: Metadata
    var trailingMetadata: Metadata

    /// Reads optional initial metadata, exactly one message and the trailers (whose error status
    /// is thrown), with the same checks and errors as iterating a `ClientResponseStream`.
    static func read(
        _ parts: RPCAsyncSequence<RPCResponsePart>, record: ClientCallRecord, maxMessageBytes: Int
    ) async throws -> UnaryReply {
        var state = ClientResponseState(maxMessageBytes: maxMessageBytes)
        var iterator = parts.makeAsyncIterator()
        var message: [UInt8]?
        var initial: Metadata = [:]
        while true {
            switch try await state.next(from: &iterator, record: record) {
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

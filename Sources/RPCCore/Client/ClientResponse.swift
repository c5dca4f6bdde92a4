public import ProtoRuntime

/// The response of a call with one response message, with the metadata the server sent.
public struct ClientResponse<Output: Sendable>: Sendable {
    public var message: Output
    /// Sent by the server before its response message.
    public var initialMetadata: Metadata
    /// Sent by the server with the status.
    public var trailingMetadata: Metadata

    public init(message: Output, initialMetadata: Metadata, trailingMetadata: Metadata) {
        self.message = message
        self.initialMetadata = initialMetadata
        self.trailingMetadata = trailingMetadata
    }
}

/// The response messages of a streaming call, with the metadata the server sent. Iterate it
/// once; iteration throws the call's `RPCError` when the server answers with an error.
public struct ClientResponseStream<Output: SerializableMessage>: AsyncSequence, Sendable {
    public typealias Failure = any Error

    private let parts: RPCAsyncSequence<RPCResponsePart>
    private let record: ClientCallRecord
    private let limits: DecodingLimits

    init(parts: RPCAsyncSequence<RPCResponsePart>, record: ClientCallRecord, maxMessageBytes: Int) {
        self.parts = parts
        self.record = record
        self.limits = DecodingLimits(maxBytes: maxMessageBytes)
    }

    /// Initial metadata; known once the first message (or the end) has been read, empty before.
    public var initialMetadata: Metadata { record.initialMetadata }
    /// Trailing metadata; known once iteration has ended, empty before.
    public var trailingMetadata: Metadata { record.trailingMetadata }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(parts: parts.makeAsyncIterator(), record: record, limits: limits)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var parts: RPCAsyncSequence<RPCResponsePart>.AsyncIterator
        let record: ClientCallRecord
        let limits: DecodingLimits
        var state: ClientResponseState

        init(parts: RPCAsyncSequence<RPCResponsePart>.AsyncIterator, record: ClientCallRecord, limits: DecodingLimits) {
            self.parts = parts
            self.record = record
            self.limits = limits
            self.state = ClientResponseState(maxMessageBytes: limits.maxBytes)
        }

        public mutating func next() async throws -> Output? {
            while true {
                guard state.phase != .finished else { return nil }
                switch try await state.next(from: &parts, record: record) {
                case .initialMetadata(let metadata):
                    record.recordInitial(metadata)
                case .message(let bytes):
                    record.recordMessage()
                    return try RPCClient.decode(bytes, limits: limits)
                case .end:
                    return nil
                }
            }
        }
    }
}

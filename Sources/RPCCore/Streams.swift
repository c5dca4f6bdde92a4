/// The messages of a streaming call, as an async sequence (type-erased over the transport).
public struct RPCAsyncSequence<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = any Error

    private let base: any AsyncSequence<Element, any Error> & Sendable

    public init(wrapping base: some AsyncSequence<Element, any Error> & Sendable) {
        self.base = base
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: any AsyncIteratorProtocol<Element, any Error>

        public mutating func next() async throws -> Element? {
            try await base.next(isolation: nil)
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(any Error) -> Element? {
            try await base.next(isolation: actor)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator())
    }
}

/// Where a streaming call's messages are written; `write` suspends while the peer is not
/// reading (backpressure).
public struct RPCWriter<Element: Sendable>: Sendable {
    private let sink: Sink

    /// Where the elements go. Nonsending: a write runs on the writer's executor (a handler's event
    /// loop) with no hop at the call.
    public typealias Sink = nonisolated(nonsending) @Sendable (Element) async throws -> Void

    public init(_ sink: @escaping Sink) {
        self.sink = sink
    }

    /// Sends one message.
    nonisolated(nonsending) public func write(_ element: Element) async throws {
        try await sink(element)
    }

    /// Sends each message in order.
    nonisolated(nonsending) public func write(contentsOf elements: some Sequence<Element>) async throws {
        for element in elements { try await sink(element) }
    }

    /// A writer of `Other` that converts each message before writing it here.
    public func map<Other: Sendable>(_ transform: @escaping @Sendable (Other) throws -> Element) -> RPCWriter<Other> {
        RPCWriter<Other> { try await self.write(transform($0)) }
    }
}

internal import RPCCore

/// The request messages of a call whose request came whole in the read that opened it: its one
/// message (or none), with no inbox and no credit to give back (the client has half-closed).
struct WholeRequest: AsyncSequence, Sendable {
    let message: [UInt8]?

    struct AsyncIterator: AsyncIteratorProtocol {
        var message: [UInt8]?

        mutating func next() async throws -> [UInt8]? { message.take() }

        mutating func next(isolation actor: isolated (any Actor)?) async throws(any Error) -> [UInt8]? { message.take() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(message: message) }
}

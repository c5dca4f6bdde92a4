/// The response parts of a unary call, gathered by a transport until the trailers: at most
/// three parts (initial metadata, the message, the trailers). A server that sends anything more
/// has broken the unary shape already, so gathering stops there and the call layer reports how
/// (`UnaryReply`), without holding more of what a hostile server sends.
package struct UnaryResponseParts: Sendable {
    package private(set) var parts: [RPCResponsePart] = []

    package init() {
        parts.reserveCapacity(2)
    }

    /// The parts of a valid unary response never exceed this.
    package static let maxCount = 3

    /// Adds `part`; true when gathering is over (the trailers came, or the shape is broken).
    package mutating func append(_ part: RPCResponsePart) -> Bool {
        parts.append(part)
        if case .trailers = part { return true }
        return parts.count >= Self.maxCount
    }

    /// Whether the trailers are among the parts.
    package var hasTrailers: Bool {
        guard case .trailers = parts.last else { return false }
        return true
    }
}

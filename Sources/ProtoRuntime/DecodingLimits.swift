/// Bounds checked before any byte is handed to protobuf-c, so hostile input cannot make the
/// decoder allocate without bound or recurse until the stack overflows.
public struct DecodingLimits: Sendable, Hashable {
    /// Largest encoded message accepted, in bytes.
    public var maxBytes: Int
    /// Deepest nesting of messages accepted (the top-level message is depth 1).
    public var maxDepth: Int

    public init(maxBytes: Int = 4 * 1024 * 1024, maxDepth: Int = 100) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    /// 4 MiB and 100 levels: the defaults of the RPC runtime and the edge.
    public static let `default` = DecodingLimits()
}

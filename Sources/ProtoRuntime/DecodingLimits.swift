/// Bounds checked before any byte is handed to protobuf-c, so hostile input cannot make the
/// decoder allocate without bound or recurse until the stack overflows.
public struct DecodingLimits: Sendable, Hashable {
    /// Largest encoded message accepted, in bytes.
    public var maxBytes: Int
    /// Deepest nesting of messages accepted (the top-level message is depth 1).
    public var maxDepth: Int
    /// Most memory the decoded message may take, in bytes, as estimated from the wire before
    /// decoding (C struct sizes of nested messages, widths of repeated values, unknown fields).
    ///
    /// An empty nested message costs two bytes on the wire but its whole struct in memory, so
    /// without this bound a small input could ask for gigabytes.
    public var maxDecodedBytes: Int

    public init(maxBytes: Int = 4 * 1024 * 1024, maxDepth: Int = 100, maxDecodedBytes: Int = 64 * 1024 * 1024) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxDecodedBytes = maxDecodedBytes
    }

    /// 4 MiB, 100 levels and 64 MiB decoded: the defaults of the RPC runtime and the edge.
    public static let `default` = DecodingLimits()
}

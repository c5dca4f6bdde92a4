/// The conformance protocol's framing: every message travels as a 4-byte little-endian length
/// followed by that many bytes, in both directions.
enum Frame {
    /// Bytes in the length prefix.
    static let headerSize = 4

    /// Largest request the testee reads into memory. The runner's requests are a few KiB; a larger
    /// length is skipped and answered with an error so the stream stays in step.
    static let maxPayloadSize = 64 * 1024 * 1024

    /// The prefix for a payload of `count` bytes.
    static func header(count: Int) -> [UInt8] {
        let length = UInt32(truncatingIfNeeded: count)
        return [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: length >> $0) }
    }

    /// The payload length a prefix announces.
    static func length(header: [UInt8]) -> Int {
        header.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    }
}

/// Why the frame stream cannot go on: input that ends inside a frame, or a failed read or write.
struct FrameError: Error, CustomStringConvertible {
    /// What went wrong, for the runner's log (the testee writes it to stderr).
    var message: String

    var description: String { message }
}

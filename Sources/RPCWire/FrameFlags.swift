/// The flag bits of a frame, the sixth byte of its header.
///
/// Bits a frame type does not define must be sent as zero and are ignored on receipt, so a
/// later version can add advisory flags without breaking version 1 peers.
package struct FrameFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The byte on the wire.
    package var rawValue: UInt8

    package init(rawValue: UInt8) { self.rawValue = rawValue }

    /// On a client's MESSAGE: this is the last request message (saves an END_STREAM frame).
    package static let endStream = FrameFlags(rawValue: 0x01)

    package var description: String {
        var names: [String] = []
        if contains(.endStream) { names.append("END_STREAM") }
        let unknown = rawValue & ~FrameFlags.endStream.rawValue
        if unknown != 0 { names.append("0x" + String(unknown, radix: 16)) }
        return "[" + names.joined(separator: ",") + "]"
    }
}

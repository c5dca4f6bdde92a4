/// The kind of a frame, the fifth byte of its header.
///
/// A struct rather than an enum so that a byte this version does not know can be held and
/// reported (as `WireError.Code.unknownFrameType`) instead of trapping or being lost.
package struct FrameType: Sendable, Hashable, CustomStringConvertible {
    /// The byte on the wire.
    package var rawValue: UInt8

    /// Wraps any byte; `isKnown` says whether version 1 defines it.
    package init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Connection parameters; the first frame each side sends, exactly once (stream 0).
    package static let settings = FrameType(rawValue: 0x01)
    /// Opens a call: payload `clinic.rpc.v1.CallStart` (client to server).
    package static let callStart = FrameType(rawValue: 0x02)
    /// Response metadata: payload `clinic.rpc.v1.Metadata` (server to client, at most once).
    package static let initialMetadata = FrameType(rawValue: 0x03)
    /// One serialized request or response message; may carry `FrameFlags.endStream`.
    package static let message = FrameType(rawValue: 0x04)
    /// Half close: the client sends no more messages (empty payload).
    package static let endStream = FrameType(rawValue: 0x05)
    /// Ends a call: payload `clinic.rpc.v1.Trailers` (server to client).
    package static let trailers = FrameType(rawValue: 0x06)
    /// Abandons a call: empty, or a 4-byte status code saying why (client to server).
    package static let cancel = FrameType(rawValue: 0x07)
    /// Grants the peer more message credit on a stream: a 4-byte increment.
    package static let windowUpdate = FrameType(rawValue: 0x08)
    /// Liveness probe: 8 opaque bytes the peer echoes in a PONG (stream 0).
    package static let ping = FrameType(rawValue: 0x09)
    /// Answer to a PING with the same 8 bytes (stream 0).
    package static let pong = FrameType(rawValue: 0x0A)
    /// Stops new calls: last processed stream id, error code, debug text (stream 0).
    package static let goAway = FrameType(rawValue: 0x0B)

    /// Every type version 1 defines, in wire order.
    package static let allKnown: [FrameType] = [
        .settings, .callStart, .initialMetadata, .message, .endStream, .trailers, .cancel,
        .windowUpdate, .ping, .pong, .goAway,
    ]

    /// True when version 1 defines this type.
    package var isKnown: Bool { (0x01...0x0B).contains(rawValue) }

    /// True for types that belong to a call and need a non-zero stream id.
    package var isStreamFrame: Bool {
        switch self {
        case .callStart, .initialMetadata, .message, .endStream, .trailers, .cancel, .windowUpdate:
            return true
        default:
            return false
        }
    }

    /// True for types whose payload is bounded by `WireLimits.maxMetadataSize` rather than
    /// `maxFrameSize`: headers, trailers and connection control data, never user messages.
    package var isMetadataSized: Bool {
        switch self {
        case .settings, .callStart, .initialMetadata, .trailers, .goAway: return true
        default: return false
        }
    }

    package var description: String {
        switch self {
        case .settings: return "SETTINGS"
        case .callStart: return "CALL_START"
        case .initialMetadata: return "INITIAL_METADATA"
        case .message: return "MESSAGE"
        case .endStream: return "END_STREAM"
        case .trailers: return "TRAILERS"
        case .cancel: return "CANCEL"
        case .windowUpdate: return "WINDOW_UPDATE"
        case .ping: return "PING"
        case .pong: return "PONG"
        case .goAway: return "GOAWAY"
        default: return "UNKNOWN(0x\(String(rawValue, radix: 16)))"
        }
    }
}

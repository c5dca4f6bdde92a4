/// Why a connection is going away: the 4-byte error code of a GOAWAY frame.
///
/// Values this version does not know are kept as they are (`description` shows the number), since
/// a newer peer may send them.
package struct GoAwayCode: Sendable, Hashable, CustomStringConvertible {
    /// The value on the wire.
    package var rawValue: UInt32

    /// Wraps any value received from a peer.
    package init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Graceful shutdown or idle close; calls up to the last stream id complete normally.
    package static let noError = GoAwayCode(rawValue: 0x0)
    /// A rule of the protocol was broken (frame order, direction, SETTINGS first).
    package static let protocolError = GoAwayCode(rawValue: 0x1)
    /// The sender hit a bug or an unexpected condition of its own.
    package static let internalError = GoAwayCode(rawValue: 0x2)
    /// A message was sent without credit, or credit overflowed.
    package static let flowControlError = GoAwayCode(rawValue: 0x3)
    /// A frame was over a size limit or had a length its type forbids.
    package static let frameSizeError = GoAwayCode(rawValue: 0x4)
    /// A frame type byte this version does not define.
    package static let unknownFrameType = GoAwayCode(rawValue: 0x5)
    /// A stream id broke the rules (zero, even, reused, decreasing, never opened).
    package static let streamIDError = GoAwayCode(rawValue: 0x6)
    /// More concurrent calls than the advertised limit.
    package static let tooManyStreams = GoAwayCode(rawValue: 0x7)
    /// A payload did not decode.
    package static let malformedPayload = GoAwayCode(rawValue: 0x8)
    /// The peer pinged more often than allowed.
    package static let tooManyPings = GoAwayCode(rawValue: 0x9)

    package var description: String {
        switch self {
        case .noError: return "NO_ERROR"
        case .protocolError: return "PROTOCOL_ERROR"
        case .internalError: return "INTERNAL_ERROR"
        case .flowControlError: return "FLOW_CONTROL_ERROR"
        case .frameSizeError: return "FRAME_SIZE_ERROR"
        case .unknownFrameType: return "UNKNOWN_FRAME_TYPE"
        case .streamIDError: return "STREAM_ID_ERROR"
        case .tooManyStreams: return "TOO_MANY_STREAMS"
        case .malformedPayload: return "MALFORMED_PAYLOAD"
        case .tooManyPings: return "TOO_MANY_PINGS"
        default: return "GOAWAY_CODE(\(rawValue))"
        }
    }
}

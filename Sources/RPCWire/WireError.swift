/// A violation of the wire protocol by the peer (or a frame this side cannot send).
///
/// Every code maps to a GOAWAY error code: a protocol error ends the whole connection with a
/// GOAWAY and a close (done by the transport's connection handlers), because a peer that breaks
/// framing rules cannot be trusted to frame anything else correctly. A struct with an extensible
/// code, not an enum, so codes can be added without breaking callers that switch over them.
package struct WireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of violation.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case frameTooLarge
            case metadataTooLarge
            case invalidFrameLength
            case unknownFrameType
            case invalidStreamID
            case streamIDReused
            case streamIDOutOfOrder
            case unknownStream
            case tooManyStreams
            case streamIDsExhausted
            case settingsExpected
            case unexpectedFrame
            case invalidSetting
            case malformedPayload
            case flowControlViolation
            case truncatedFrame
            case tooManyPings
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// A length field above `WireLimits.maxFrameSize` (checked before the payload is read).
        package static let frameTooLarge = Code(.frameTooLarge)
        /// A CALL_START, INITIAL_METADATA, TRAILERS, SETTINGS or GOAWAY above `maxMetadataSize`.
        package static let metadataTooLarge = Code(.metadataTooLarge)
        /// A length its type forbids (a PING that is not 8 bytes, a SETTINGS not a multiple of 6).
        package static let invalidFrameLength = Code(.invalidFrameLength)
        /// A type byte version 1 does not define.
        package static let unknownFrameType = Code(.unknownFrameType)
        /// Stream id 0 on a call frame, non-zero on a connection frame, even from a client, or
        /// the reserved top bit set.
        package static let invalidStreamID = Code(.invalidStreamID)
        /// A CALL_START on a stream that is open or was the last one opened.
        package static let streamIDReused = Code(.streamIDReused)
        /// A CALL_START whose id is lower than one already opened (ids must increase).
        package static let streamIDOutOfOrder = Code(.streamIDOutOfOrder)
        /// A call frame for a stream that was never opened.
        package static let unknownStream = Code(.unknownStream)
        /// More concurrent calls than the receiver's `maxConcurrentStreams`.
        package static let tooManyStreams = Code(.tooManyStreams)
        /// The client used every stream id; it must drain this connection and open another.
        package static let streamIDsExhausted = Code(.streamIDsExhausted)
        /// A first frame that is not SETTINGS, or a call opened before the peer's SETTINGS.
        package static let settingsExpected = Code(.settingsExpected)
        /// A frame the sender's role or the connection's state does not allow (a CALL_START from
        /// a server, a second SETTINGS, a MESSAGE after half close).
        package static let unexpectedFrame = Code(.unexpectedFrame)
        /// A SETTINGS value outside its allowed range.
        package static let invalidSetting = Code(.invalidSetting)
        /// A payload that does not decode (control layout, or the call layer's protobuf).
        package static let malformedPayload = Code(.malformedPayload)
        /// A MESSAGE without credit, a zero WINDOW_UPDATE, or credit above 2^31-1.
        package static let flowControlViolation = Code(.flowControlViolation)
        /// The connection ended in the middle of a frame.
        package static let truncatedFrame = Code(.truncatedFrame)
        /// PINGs more often than this side's `minPingInterval` allows.
        package static let tooManyPings = Code(.tooManyPings)

        /// The GOAWAY code this violation is reported with.
        package var goAwayCode: GoAwayCode {
            switch value {
            case .frameTooLarge, .metadataTooLarge, .invalidFrameLength: return .frameSizeError
            case .unknownFrameType: return .unknownFrameType
            case .invalidStreamID, .streamIDReused, .streamIDOutOfOrder, .unknownStream:
                return .streamIDError
            case .tooManyStreams: return .tooManyStreams
            // Not the peer's fault: the client drains and reconnects.
            case .streamIDsExhausted: return .noError
            case .settingsExpected, .unexpectedFrame, .invalidSetting, .truncatedFrame:
                return .protocolError
            case .malformedPayload: return .malformedPayload
            case .flowControlViolation: return .flowControlError
            case .tooManyPings: return .tooManyPings
            }
        }

        package var description: String { value.rawValue }
    }

    /// The kind of violation.
    package var code: Code
    /// What was wrong, for logs and the GOAWAY debug text.
    package var message: String
    /// The stream the offending frame was on, when there was one.
    package var streamID: StreamID?

    /// Creates an error with a code and a message for people.
    package init(_ code: Code, _ message: String, streamID: StreamID? = nil) {
        self.code = code
        self.message = message
        self.streamID = streamID
    }

    /// The GOAWAY code this violation is reported with.
    package var goAwayCode: GoAwayCode { code.goAwayCode }

    package var description: String {
        if let streamID { return "\(code): \(message) (stream \(streamID))" }
        return "\(code): \(message)"
    }
}

package import NIOCore

/// The payload of a GOAWAY frame.
///
/// ```
/// +---------------------------------------------------------------+
/// |                 last stream id (32, big-endian)               |
/// +---------------------------------------------------------------+
/// |                  error code (32, big-endian)                  |
/// +---------------------------------------------------------------+
/// |               debug text (UTF-8, rest of payload) ...         |
/// +---------------------------------------------------------------+
/// ```
package struct GoAway: Sendable, Hashable, CustomStringConvertible {
    /// Calls on streams up to and including this id may have been processed and will be finished;
    /// calls above it were not processed and can be retried on another connection.
    package var lastStreamID: StreamID
    /// Why the connection is going away.
    package var code: GoAwayCode
    /// Text for logs; never shown to users, never parsed.
    package var debugMessage: String

    /// Longest debug text written, in UTF-8 bytes (longer text is cut at a character boundary),
    /// so a GOAWAY always fits the smallest `maxMetadataSize` a peer may announce.
    package static let maxDebugMessageBytes = 512

    /// Creates a GOAWAY payload.
    package init(lastStreamID: StreamID, code: GoAwayCode, debugMessage: String = "") {
        self.lastStreamID = lastStreamID
        self.code = code
        self.debugMessage = debugMessage
    }

    /// The GOAWAY this side sends when `error` ends the connection.
    package init(error: WireError, lastStreamID: StreamID) {
        self.init(lastStreamID: lastStreamID, code: error.goAwayCode, debugMessage: error.description)
    }

    /// Reads a GOAWAY payload; throws `invalidFrameLength` when it is shorter than 8 bytes.
    /// Debug text that is not UTF-8 is repaired, not rejected: it is only ever logged.
    package init(payload: ByteBuffer) throws(WireError) {
        var payload = payload
        guard let last = payload.readInteger(as: UInt32.self),
            let code = payload.readInteger(as: UInt32.self)
        else {
            throw WireError(.invalidFrameLength, "GOAWAY payload shorter than 8 bytes")
        }
        if last & 0x8000_0000 != 0 {
            throw WireError(.invalidStreamID, "GOAWAY last stream id has the reserved bit set")
        }
        self.lastStreamID = StreamID(last)
        self.code = GoAwayCode(rawValue: code)
        self.debugMessage = payload.readString(length: payload.readableBytes) ?? ""
    }

    /// Writes the payload (debug text cut to `maxDebugMessageBytes`).
    package func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(lastStreamID.rawValue)
        buffer.writeInteger(code.rawValue)
        var used = 0
        var cut = debugMessage.unicodeScalars.endIndex
        for index in debugMessage.unicodeScalars.indices {
            let size = UTF8.width(debugMessage.unicodeScalars[index])
            if used + size > Self.maxDebugMessageBytes {
                cut = index
                break
            }
            used += size
        }
        buffer.writeString(String(debugMessage.unicodeScalars[..<cut]))
    }

    package var description: String {
        "GOAWAY last=\(lastStreamID) code=\(code) \"\(debugMessage)\""
    }
}

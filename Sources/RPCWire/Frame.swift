package import NIOCore

/// One frame: the header fields and the payload bytes. The length is the payload's size.
///
/// The wire layer does not look inside call payloads (CallStart, Metadata, Trailers and messages
/// are protobuf, decoded by the call layer); it reads only the fixed layouts of control frames
/// (see `Frame+ControlPayloads.swift`).
package struct Frame: Sendable, Hashable, CustomStringConvertible {
    /// The frame's kind.
    package var type: FrameType
    /// The frame's flag bits.
    package var flags: FrameFlags
    /// The call the frame belongs to, or `.connection`.
    package var streamID: StreamID
    /// The payload bytes (its readable bytes; the length field is their count).
    package var payload: ByteBuffer

    /// Creates a frame from its parts.
    package init(type: FrameType, flags: FrameFlags = [], streamID: StreamID, payload: ByteBuffer = ByteBuffer()) {
        self.type = type
        self.flags = flags
        self.streamID = streamID
        self.payload = payload
    }

    /// True when this frame is the client's half close: END_STREAM, or MESSAGE with the flag.
    package var endsClientStream: Bool {
        type == .endStream || (type == .message && flags.contains(.endStream))
    }

    package var description: String {
        "\(type) stream=\(streamID) flags=\(flags) length=\(payload.readableBytes)"
    }
}

// MARK: - Making frames

extension Frame {
    /// SETTINGS announcing `limits` (the first frame each side sends).
    package static func settings(_ limits: WireLimits) -> Frame {
        var payload = ByteBuffer()
        payload.reserveCapacity(5 * WireLimits.settingSize)
        limits.writeSettings(into: &payload)
        return Frame(type: .settings, streamID: .connection, payload: payload)
    }

    /// CALL_START carrying an encoded `clinic.rpc.v1.CallStart`.
    package static func callStart(streamID: StreamID, payload: ByteBuffer) -> Frame {
        Frame(type: .callStart, streamID: streamID, payload: payload)
    }

    /// INITIAL_METADATA carrying an encoded `clinic.rpc.v1.Metadata`.
    package static func initialMetadata(streamID: StreamID, payload: ByteBuffer) -> Frame {
        Frame(type: .initialMetadata, streamID: streamID, payload: payload)
    }

    /// MESSAGE carrying one encoded message; `endStream` marks the client's last request message.
    package static func message(streamID: StreamID, payload: ByteBuffer, endStream: Bool = false) -> Frame {
        Frame(type: .message, flags: endStream ? .endStream : [], streamID: streamID, payload: payload)
    }

    /// END_STREAM: the client's half close.
    package static func endStream(streamID: StreamID) -> Frame {
        Frame(type: .endStream, streamID: streamID)
    }

    /// TRAILERS carrying an encoded `clinic.rpc.v1.Trailers`.
    package static func trailers(streamID: StreamID, payload: ByteBuffer) -> Frame {
        Frame(type: .trailers, streamID: streamID, payload: payload)
    }

    /// CANCEL, with the status code saying why (nil sends the empty form, meaning CANCELLED).
    package static func cancel(streamID: StreamID, reason: UInt32? = nil) -> Frame {
        var payload = ByteBuffer()
        if let reason { payload.writeInteger(reason) }
        return Frame(type: .cancel, streamID: streamID, payload: payload)
    }

    /// WINDOW_UPDATE granting `increment` more messages on a stream.
    package static func windowUpdate(streamID: StreamID, increment: UInt32) -> Frame {
        var payload = ByteBuffer()
        payload.writeInteger(increment)
        return Frame(type: .windowUpdate, streamID: streamID, payload: payload)
    }

    /// PING with 8 opaque bytes.
    package static func ping(_ data: UInt64) -> Frame {
        var payload = ByteBuffer()
        payload.writeInteger(data)
        return Frame(type: .ping, streamID: .connection, payload: payload)
    }

    /// PONG echoing a PING's 8 bytes.
    package static func pong(_ data: UInt64) -> Frame {
        var payload = ByteBuffer()
        payload.writeInteger(data)
        return Frame(type: .pong, streamID: .connection, payload: payload)
    }

    /// GOAWAY with its last stream id, code and debug text.
    package static func goAway(_ goAway: GoAway) -> Frame {
        var payload = ByteBuffer()
        goAway.write(into: &payload)
        return Frame(type: .goAway, streamID: .connection, payload: payload)
    }
}

// MARK: - Writing frames

extension ByteBuffer {
    /// Appends header and payload; throws `frameTooLarge` when the payload cannot be described by a
    /// 32-bit length. Checking the peer's advertised limits is the caller's job (it knows them).
    @discardableResult
    package mutating func writeFrame(_ frame: Frame) throws(WireError) -> Int {
        guard let length = UInt32(exactly: frame.payload.readableBytes) else {
            throw WireError(
                .frameTooLarge, "payload of \(frame.payload.readableBytes) bytes cannot be framed",
                streamID: frame.streamID)
        }
        let header = FrameHeader(length: length, type: frame.type, flags: frame.flags, streamID: frame.streamID)
        writeFrameHeader(header)
        writeImmutableBuffer(frame.payload)
        return WireProtocol.frameHeaderSize + Int(length)
    }
}

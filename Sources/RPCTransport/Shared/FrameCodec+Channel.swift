internal import NIOCore
internal import RPCWire

extension ChannelHandlerContext {
    /// Writes the frames `codec` holds as one buffer, then flushes.
    func flush(_ codec: inout FrameCodec) {
        if let output = codec.takeOutput() { write(NIOAny(output), promise: nil) }
        flush()
    }

    /// Appends `frame` to `codec`'s output; a frame that cannot be framed (a payload over 4 GiB,
    /// which the limits checked before never let through) closes the connection.
    func append(_ frame: Frame, to codec: inout FrameCodec) {
        do {
            try codec.append(frame, allocator: channel.allocator)
        } catch {
            close(promise: nil)
        }
    }

    /// Sends GOAWAY for `error` (after the frames already pending) and closes at once.
    ///
    /// The close does not wait for the write: a hostile peer that stops reading must not keep the
    /// connection open, so the GOAWAY is best effort, as in HTTP/2.
    func closeWithGoAway(_ error: WireError, lastStreamID: StreamID, codec: inout FrameCodec) {
        append(.goAway(GoAway(error: error, lastStreamID: lastStreamID)), to: &codec)
        flush(&codec)
        close(promise: nil)
    }
}

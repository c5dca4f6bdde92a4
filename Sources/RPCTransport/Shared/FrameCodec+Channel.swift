internal import NIOCore
internal import RPCWire

extension ChannelHandlerContext {
    /// Writes `output` (the frames a `FrameCodec` held, from `takeOutput()`), then flushes.
    ///
    /// Callers take the output first and pass it here, so no access to the codec is held while
    /// the write runs through the pipeline (which may call back into the handler).
    func writeAndFlush(_ output: ByteBuffer?) {
        if let output { write(NIOAny(output), promise: nil) }
        flush()
    }

    /// Writes `output` (ending in a GOAWAY) and closes at once.
    ///
    /// The close does not wait for the write: a hostile peer that stops reading must not keep the
    /// connection open, so the GOAWAY is best effort, as in HTTP/2.
    func closeAfterWriting(_ output: ByteBuffer?) {
        writeAndFlush(output)
        close(promise: nil)
    }
}

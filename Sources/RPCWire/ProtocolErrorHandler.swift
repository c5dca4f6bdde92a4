package import NIOCore

/// Answers a `WireError` with GOAWAY and a close, like NIOWebSocket's protocol error handler.
///
/// Put it right after the `FrameDecoder`: it passes frames through, remembers the highest
/// CALL_START stream id it saw (the GOAWAY's last stream id: calls above it were never seen, so
/// the client may retry them elsewhere), and on the first `WireError` from the decoder writes
/// GOAWAY, flushes and closes. Later errors (the decoder reports every byte that arrives after a
/// failure) only pass through. Handlers further in that detect violations themselves (with
/// `ConnectionFrameValidator`) call `ChannelHandlerContext.closeWithGoAway(_:lastStreamID:)`.
package final class ProtocolErrorHandler: ChannelInboundHandler {
    package typealias InboundIn = Frame
    package typealias InboundOut = Frame
    package typealias OutboundOut = Frame

    private var highestCallStart: StreamID = .connection
    private var sentGoAway = false

    /// Creates the handler.
    package init() {}

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        if frame.type == .callStart, frame.streamID > highestCallStart {
            highestCallStart = frame.streamID
        }
        context.fireChannelRead(data)
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !sentGoAway, let error = error as? WireError {
            sentGoAway = true
            context.closeWithGoAway(error, lastStreamID: highestCallStart)
        }
        context.fireErrorCaught(error)
    }
}

@available(*, unavailable)
extension ProtocolErrorHandler: Sendable {}

extension ChannelHandlerContext {
    /// Writes a GOAWAY for `error`, flushes it and closes the channel at once.
    ///
    /// The close does not wait for the write: a hostile peer that stops reading must not keep the
    /// connection open. The GOAWAY is therefore best effort, as in HTTP/2. The next outbound
    /// handler must accept `Frame` (a `FrameEncoder`).
    package func closeWithGoAway(_ error: WireError, lastStreamID: StreamID) {
        let frame = Frame.goAway(GoAway(error: error, lastStreamID: lastStreamID))
        writeAndFlush(NIOAny(frame), promise: nil)
        close(promise: nil)
    }
}

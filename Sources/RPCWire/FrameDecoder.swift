package import NIOCore

/// Turns inbound bytes into `Frame`s (wrap it in `ByteToMessageHandler`).
///
/// Bytes wait in `ByteToMessageHandler`'s buffer until a whole frame is there; a frame's payload
/// is a slice of that buffer. The declared length is checked against `WireLimits` as soon as the
/// header arrives, so the buffer never has to grow past one frame of the allowed size (plus what
/// one read delivers). Errors are `WireError`s; put a `ProtocolErrorHandler` after this decoder to
/// answer them with GOAWAY and close.
package final class FrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = Frame

    private var parser: FrameParser

    /// Creates a decoder enforcing this side's `limits`.
    package init(limits: WireLimits = .default) {
        self.parser = FrameParser(limits: limits)
    }

    package func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try parser.nextFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    package func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // Only a real end of input truncates a frame; removal from the pipeline does not.
        if seenEOF { try parser.finish(leftover: buffer) }
        return .needMoreData
    }
}

@available(*, unavailable)
extension FrameDecoder: Sendable {}

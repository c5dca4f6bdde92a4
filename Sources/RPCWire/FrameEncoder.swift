package import NIOCore

/// Turns outbound `Frame`s into bytes, coalescing every frame written between two flushes into
/// ONE `ByteBuffer`.
///
/// A unary call's CALL_START and MESSAGE (or a response's MESSAGE and TRAILERS) then leave as one
/// write: one TLS record and one syscall instead of several. Each write's promise completes when
/// the combined buffer is written. Writes still pending when the channel closes fail with
/// `ChannelError.ioOnClosedChannel`, as NIO fails unflushed writes.
package final class FrameEncoder: ChannelOutboundHandler {
    package typealias OutboundIn = Frame
    package typealias OutboundOut = ByteBuffer

    /// Frames written since the last flush.
    private var pending: ByteBuffer?
    /// Completes all pending writes' promises (the others are cascaded from it).
    private var pendingPromise: EventLoopPromise<Void>?

    /// Room reserved for a fresh coalescing buffer: enough for a small unary exchange.
    private static let minimumCapacity = 512

    /// Creates an encoder.
    package init() {}

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = Self.unwrapOutboundIn(data)
        let needed = WireProtocol.frameHeaderSize + frame.payload.readableBytes
        var buffer =
            pending ?? context.channel.allocator.buffer(capacity: max(needed, Self.minimumCapacity))
        // Nil it while writing so the buffer stays uniquely referenced (no copy on write).
        pending = nil
        do {
            try buffer.writeFrame(frame)
        } catch {
            pending = buffer.readableBytes > 0 ? buffer : nil
            promise?.fail(error)
            return
        }
        pending = buffer
        if let promise {
            if let pendingPromise {
                pendingPromise.futureResult.cascade(to: promise)
            } else {
                pendingPromise = promise
            }
        }
    }

    package func flush(context: ChannelHandlerContext) {
        if let buffer = pending {
            let promise = pendingPromise
            pending = nil
            pendingPromise = nil
            context.write(Self.wrapOutboundOut(buffer), promise: promise)
        }
        context.flush()
    }

    package func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode != .input { failPending() }
        context.close(mode: mode, promise: promise)
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        failPending()
    }

    private func failPending() {
        let promise = pendingPromise
        pending = nil
        pendingPromise = nil
        promise?.fail(ChannelError.ioOnClosedChannel)
    }
}

@available(*, unavailable)
extension FrameEncoder: Sendable {}

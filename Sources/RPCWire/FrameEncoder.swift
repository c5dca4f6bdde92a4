package import NIOCore

/// Turns outbound `Frame`s into bytes, coalescing every frame written between two flushes into
/// ONE `ByteBuffer` (a `FrameOutput`). Each write's promise completes when
/// the combined buffer is written. Writes still pending when the channel closes fail with
/// `ChannelError.ioOnClosedChannel`, as NIO fails unflushed writes.
package final class FrameEncoder: ChannelOutboundHandler {
    package typealias OutboundIn = Frame
    package typealias OutboundOut = ByteBuffer

    /// Frames written since the last flush.
    private var pending = FrameOutput()
    /// Completes all pending writes' promises (the others are cascaded from it).
    private var pendingPromise: EventLoopPromise<Void>?

    /// Creates an encoder.
    package init() {}

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        do {
            try pending.append(Self.unwrapOutboundIn(data), allocator: context.channel.allocator)
        } catch {
            promise?.fail(error)
            return
        }
        if let promise {
            if let pendingPromise {
                pendingPromise.futureResult.cascade(to: promise)
            } else {
                pendingPromise = promise
            }
        }
    }

    package func flush(context: ChannelHandlerContext) {
        if let buffer = pending.take() {
            let promise = pendingPromise
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
        _ = pending.take()
        pendingPromise = nil
        promise?.fail(ChannelError.ioOnClosedChannel)
    }
}

@available(*, unavailable)
extension FrameEncoder: Sendable {}

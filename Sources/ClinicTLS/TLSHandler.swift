package import NIOCore

/// Drives one OpenSSL connection from a NIO pipeline: ciphertext below, plaintext above.
///
/// Put it first in the pipeline. Inbound `ByteBuffer`s of ciphertext become plaintext
/// `ByteBuffer`s, delivered once per read cycle; outbound plaintext writes are held until flush and
/// then encrypted together into as few records and one `ByteBuffer` as possible. When the handshake
/// completes it fires a `TLSHandshakeCompleted` user event (ALPN, peer identity); failures are
/// fired as `TLSError` and close the channel. Closing sends close_notify first.
///
/// The handler is a thin shell: `TLSConnectionStateMachine` decides, `TLSConnection` talks to
/// OpenSSL, and this class carries out the actions.
package final class TLSHandler: ChannelDuplexHandler {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = ByteBuffer
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    struct PendingWrite {
        var data: ByteBuffer
        var promise: EventLoopPromise<Void>?
    }

    let connection: TLSConnection
    var stateMachine: TLSConnectionStateMachine
    /// Plaintext writes waiting for a flush (or for the handshake).
    var pendingWrites = CircularBuffer<PendingWrite>(initialCapacity: 16)
    /// Reused buffers; nil while lent out or before first use.
    var plaintext: ByteBuffer?
    var ciphertext: ByteBuffer?
    var coalescing: ByteBuffer?
    /// Whether plaintext went up since the last channelReadComplete.
    var deliveredSinceReadComplete = false

    /// Buffers that grew beyond this are dropped after use rather than kept per connection.
    static let maximumRetainedCapacity = 256 * 1024

    /// A handler for one connection made from `context`; `expectedPeer` overrides the
    /// configuration's expected peer for this connection (e.g. the service a client dials).
    package init(context: TLSContext, expectedPeer: TLSExpectedPeer? = nil) throws(TLSError) {
        self.connection = try TLSConnection(
            context: context, expectedPeer: expectedPeer ?? context.configuration.expectedPeer
        )
        self.stateMachine = TLSConnectionStateMachine(role: context.configuration.role)
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            perform(stateMachine.channelActive(), context: context)
        }
    }

    package func channelActive(context: ChannelHandlerContext) {
        // Fired first so that, if the handshake fails at once, channelInactive follows channelActive.
        context.fireChannelActive()
        perform(stateMachine.channelActive(), context: context)
    }

    package func channelInactive(context: ChannelHandlerContext) {
        // Plaintext decrypted before the peer went away still belongs to the application.
        deliverPlaintext(context: context)
        perform(stateMachine.channelInactive(), context: context)
        context.fireChannelInactive()
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let action = stateMachine.channelRead()
        switch action {
        case .continueHandshake, .decrypt:
            connection.receive(unwrapInboundIn(data))
            perform(action, context: context)
        default:
            perform(action, context: context)
        }
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        deliverPlaintext(context: context)
        let delivered = deliveredSinceReadComplete
        deliveredSinceReadComplete = false
        context.fireChannelReadComplete()
        // With autoRead off the application asked for data and got none (handshake bytes only):
        // ask again, or the connection stalls.
        if !delivered, context.channel.isActive,
            let autoRead = try? context.channel.syncOptions?.getOption(ChannelOptions.autoRead), !autoRead
        {
            context.read()
        }
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let action = stateMachine.write()
        switch action {
        case .bufferWrite:
            pendingWrites.append(PendingWrite(data: unwrapOutboundIn(data), promise: promise))
        case .failWrite(let error):
            promise?.fail(error)
        default:
            perform(action, context: context)
        }
    }

    package func flush(context: ChannelHandlerContext) {
        perform(stateMachine.flush(), context: context)
    }

    package func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all else {
            // Half-closing a TLS stream is not supported; the RPC protocol closes whole connections.
            promise?.fail(ChannelError.operationUnsupported)
            return
        }
        switch stateMachine.close() {
        case .sendCloseNotifyAndClose:
            failPendingWrites(TLSError(.closed, "the TLS connection was closed before this write was flushed"))
            connection.shutdown()
            sendCiphertext(context: context)
            context.close(mode: .all, promise: promise)
        case .closeChannel(let error):
            failPendingWrites(error)
            context.close(mode: .all, promise: promise)
        default:
            context.close(mode: .all, promise: promise)
        }
    }
}

// A handler belongs to one channel and its event loop.
@available(*, unavailable)
extension TLSHandler: Sendable {}

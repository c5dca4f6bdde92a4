internal import NIOCore

extension TLSHandler {
    /// Carries out what the state machine decided.
    func perform(_ action: TLSConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none, .bufferWrite:
            break
        case .startHandshake, .continueHandshake:
            handshakeStep(context: context)
        case .sendHandshakeBytes:
            sendCiphertext(context: context)
        case .completeHandshake(let flushWrites):
            completeHandshake(flushWrites: flushWrites, context: context)
        case .decrypt:
            decrypt(context: context)
        case .discardInput:
            break
        case .failWrite:
            // Only returned from write(), which handles it there (it has the promise).
            break
        case .encryptAndFlush:
            encryptAndFlush(context: context)
        case .sendCloseNotifyAndClose:
            // The peer said close_notify: answer in kind and close.
            deliverPlaintext(context: context)
            failPendingWrites(TLSError(.closed, "the peer closed the TLS connection"))
            connection.shutdown()
            sendCiphertext(context: context)
            context.close(promise: nil)
        case .closeChannel(let error):
            failPendingWrites(error)
            context.close(promise: nil)
        case .failBufferedWrites(let error):
            failPendingWrites(error)
        case .forwardClose:
            context.close(promise: nil)
        case .fail(let error, let sendAlert, let closeChannel):
            fail(error, sendAlert: sendAlert, closeChannel: closeChannel, context: context)
        }
    }

    private func handshakeStep(context: ChannelHandlerContext) {
        perform(stateMachine.handshakeStepped(connection.handshake()), context: context)
    }

    private func completeHandshake(flushWrites: Bool, context: ChannelHandlerContext) {
        // The client's Finished (or nothing, for a server).
        sendCiphertext(context: context)
        context.fireUserInboundEventTriggered(connection.handshakeSummary())
        // Application data can arrive in the same read as the handshake's last message.
        if case .active = stateMachine.state {
            decrypt(context: context)
        }
        if flushWrites, case .active = stateMachine.state {
            encryptAndFlush(context: context)
        }
    }

    private func decrypt(context: ChannelHandlerContext) {
        // Taken out of `self` while in use so that our reference does not force a copy on write.
        var buffer = takeBuffer(&plaintext, capacity: TLSConnection.maximumRecordPayload, context: context, clear: false)
        let before = buffer.readableBytes
        let result = connection.read(into: &buffer)
        let received = buffer.readableBytes > before
        plaintext = buffer
        let action = stateMachine.decrypted(result, receivedPlaintext: received)
        if case .none = action, connection.pendingCiphertext > 0 {
            // Reading can make OpenSSL answer (e.g. a key update); send that now.
            sendCiphertext(context: context)
        }
        perform(action, context: context)
    }

    /// Passes decrypted plaintext up, keeping the storage for reuse once the reader lets go.
    func deliverPlaintext(context: ChannelHandlerContext) {
        guard let buffer = plaintext, buffer.readableBytes > 0 else { return }
        if buffer.capacity > Self.maximumRetainedCapacity {
            plaintext = nil
        } else {
            // Same storage, empty view: writing to it later copies only if the reader still holds it.
            var reset = buffer
            reset.moveReaderIndex(to: 0)
            reset.moveWriterIndex(to: 0)
            plaintext = reset
        }
        deliveredSinceReadComplete = true
        context.fireChannelRead(wrapInboundOut(buffer))
    }

    /// Writes and flushes whatever ciphertext OpenSSL has produced.
    func sendCiphertext(context: ChannelHandlerContext) {
        guard connection.pendingCiphertext > 0 else { return }
        var buffer = takeBuffer(&ciphertext, capacity: connection.pendingCiphertext, context: context, clear: true)
        connection.drainCiphertext(into: &buffer)
        keep(buffer, in: &ciphertext)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    func failPendingWrites(_ error: TLSError) {
        guard !pendingWrites.isEmpty else { return }
        let writes = pendingWrites
        pendingWrites.removeAll(keepingCapacity: true)
        for write in writes {
            write.promise?.fail(error)
        }
    }

    private func fail(_ error: TLSError, sendAlert: Bool, closeChannel: Bool, context: ChannelHandlerContext) {
        if sendAlert {
            // The alert tells the peer why; without it the peer only sees a reset.
            sendCiphertext(context: context)
        }
        deliverPlaintext(context: context)
        failPendingWrites(error)
        context.fireErrorCaught(error)
        if closeChannel {
            context.close(promise: nil)
        }
    }

    /// A reusable buffer taken out of its slot (or a new one), with room for `capacity` bytes.
    func takeBuffer(
        _ slot: inout ByteBuffer?, capacity: Int, context: ChannelHandlerContext, clear: Bool
    ) -> ByteBuffer {
        guard var buffer = slot else {
            return context.channel.allocator.buffer(capacity: max(capacity, TLSConnection.maximumRecordPayload + 512))
        }
        slot = nil
        if clear { buffer.clear() }
        return buffer
    }

    /// Puts a buffer back in its slot for reuse unless it grew too large to keep around.
    func keep(_ buffer: ByteBuffer, in slot: inout ByteBuffer?) {
        slot = buffer.capacity > Self.maximumRetainedCapacity ? nil : buffer
    }
}

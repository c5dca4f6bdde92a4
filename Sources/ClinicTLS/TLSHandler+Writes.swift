internal import NIOCore

extension TLSHandler {
    /// Encrypts every buffered write and sends the result as one `ByteBuffer` with one flush.
    ///
    /// Small writes (an RPC frame header, then its payload) are first gathered into full
    /// 16 KiB records, so a batch costs one record per 16 KiB rather than one per write; a large
    /// write's whole records are encrypted straight from the caller's buffer without a copy. The
    /// records collect in the connection's ciphertext buffer, sized once for the whole batch
    /// (growing it record by record would copy everything written so far at each doubling), and
    /// leave in one piece. The write promises complete together when the ciphertext is written.
    func encryptAndFlush(context: ChannelHandlerContext) {
        guard !pendingWrites.isEmpty else { return }
        var plaintextBytes = 0
        for index in pendingWrites.indices { plaintextBytes += pendingWrites[index].data.readableBytes }
        connection.reserveCiphertext(forPlaintext: plaintextBytes)
        var output = takeBuffer(&ciphertext, capacity: 0, context: context, clear: true)
        var gather = takeBuffer(&coalescing, capacity: TLSConnection.maximumRecordPayload, context: context, clear: true)
        var promise: EventLoopPromise<Void>? = nil
        var failure: TLSError? = nil

        // No call leaves this handler inside the loop, so nothing can re-enter and append.
        let last = pendingWrites.count - 1
        for (offset, index) in pendingWrites.indices.enumerated() {
            let write = pendingWrites[index]
            if let next = write.promise {
                if let first = promise { first.futureResult.cascade(to: next) } else { promise = next }
            }
            if failure == nil {
                var data = write.data
                failure = encrypt(&data, isLast: offset == last, gather: &gather)
            }
        }
        if failure == nil, gather.readableBytes > 0 {
            failure = sealRecord(&gather)
        }
        connection.drainCiphertext(into: &output)
        pendingWrites.removeAll(keepingCapacity: true)
        gather.clear()
        keep(gather, in: &coalescing)
        keep(output, in: &ciphertext)

        if let failure {
            promise?.fail(failure)
            perform(stateMachine.encryptionFailed(failure), context: context)
            return
        }
        guard output.readableBytes > 0 else {
            promise?.succeed(())
            return
        }
        context.write(wrapOutboundOut(output), promise: promise)
        context.flush()
    }

    /// Adds one write's bytes: through `gather` when partial records are involved, directly otherwise
    /// (whole records, and the tail of the last write when nothing is gathered: a flush of one small
    /// write, the usual RPC case, is sealed from its own storage without a copy).
    private func encrypt(
        _ data: inout ByteBuffer, isLast: Bool, gather: inout ByteBuffer
    ) -> TLSError? {
        let record = TLSConnection.maximumRecordPayload
        while data.readableBytes > 0 {
            if gather.readableBytes == 0, data.readableBytes >= record {
                // Whole records, up to four per call, straight from the caller's storage.
                let length = min(data.readableBytes / record, 4) * record
                let error = data.withUnsafeReadableBytes { bytes in
                    connection.write(UnsafeRawBufferPointer(rebasing: bytes[..<length]))
                }
                if let error { return error }
                data.moveReaderIndex(forwardBy: length)
            } else if gather.readableBytes == 0, isLast {
                let error = data.withUnsafeReadableBytes { connection.write($0) }
                if let error { return error }
                data.moveReaderIndex(forwardBy: data.readableBytes)
            } else {
                let length = min(record - gather.readableBytes, data.readableBytes)
                var slice = data.readSlice(length: length)!  // length <= readableBytes
                gather.writeBuffer(&slice)
                if gather.readableBytes == record, let error = sealRecord(&gather) {
                    return error
                }
            }
        }
        return nil
    }

    /// Encrypts the gathered plaintext as one record and empties `gather`.
    private func sealRecord(_ gather: inout ByteBuffer) -> TLSError? {
        let error = gather.withUnsafeReadableBytes { connection.write($0) }
        gather.clear()
        return error
    }
}

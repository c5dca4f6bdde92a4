/// The lifecycle of one TLS connection, without I/O: events in, actions out.
///
///     idle ──active──▶ handshaking ──done──▶ active ──close / close_notify──▶ closing ──▶ closed
///                         │                    │
///                         └──────failure───────┴──────────▶ closed(error)
///
/// TLS 1.3 pitfall: a client's handshake is done before the server has checked the client's
/// certificate, so a rejection arrives as an alert on the client's first read. A client stays
/// "unconfirmed" until the server's first bytes decrypt, and failures in that window say so.
struct TLSConnectionStateMachine {
    enum State: Equatable {
        /// Not started: the channel is not active yet.
        case idle(flushRequested: Bool)
        /// Handshake messages are being exchanged.
        case handshaking(flushRequested: Bool)
        /// Application data flows. `peerConfirmed` is false for a client until the server's
        /// first bytes decrypt (always true for a server).
        case active(peerConfirmed: Bool)
        /// close_notify sent or received; the channel is being closed.
        case closing
        /// Done, with the error that ended it if one did.
        case closed(TLSError?)
    }

    /// What the handler does next.
    enum Action: Equatable {
        /// Nothing.
        case none
        /// Begin the handshake (the client sends its ClientHello).
        case startHandshake
        /// Feed the received bytes to the handshake.
        case continueHandshake
        /// Send the handshake bytes OpenSSL produced.
        case sendHandshakeBytes
        /// Send the last handshake bytes, report completion, then encrypt pending writes if asked.
        case completeHandshake(flushWrites: Bool)
        /// Decrypt the received bytes.
        case decrypt
        /// Discard received bytes (the connection is closed).
        case discardInput
        /// Keep the write until the next flush.
        case bufferWrite
        /// Fail this write.
        case failWrite(TLSError)
        /// Encrypt the buffered writes and send them.
        case encryptAndFlush
        /// Send close_notify, fail unflushed writes and close the channel.
        case sendCloseNotifyAndClose
        /// Close the channel without TLS alerts; fail buffered writes with the error.
        case closeChannel(failWritesWith: TLSError)
        /// Fail the buffered writes (the channel is already down).
        case failBufferedWrites(TLSError)
        /// Pass the close on: the connection is already closing or closed.
        case forwardClose
        /// Fail: send OpenSSL's alert bytes if `sendAlert`, fail buffered writes, report the
        /// error, and close the channel if `closeChannel`.
        case fail(TLSError, sendAlert: Bool, closeChannel: Bool)
    }

    let role: TLSConfiguration.Role
    private(set) var state: State = .idle(flushRequested: false)

    /// A state machine for one side of a connection.
    init(role: TLSConfiguration.Role) {
        self.role = role
    }

    /// The channel is active (or the handler was added to an active channel).
    mutating func channelActive() -> Action {
        guard case .idle(let flushRequested) = state else { return .none }
        state = .handshaking(flushRequested: flushRequested)
        return .startHandshake
    }

    /// A handshake step has run.
    mutating func handshakeStepped(_ result: TLSConnection.HandshakeResult) -> Action {
        guard case .handshaking(let flushRequested) = state else { return .none }
        switch result {
        case .wantRead:
            return .sendHandshakeBytes
        case .complete:
            state = .active(peerConfirmed: role == .server)
            return .completeHandshake(flushWrites: flushRequested)
        case .failed(let error):
            state = .closed(error)
            return .fail(error, sendAlert: true, closeChannel: true)
        }
    }

    /// Ciphertext arrived.
    mutating func channelRead() -> Action {
        switch state {
        case .handshaking:
            return .continueHandshake
        case .active, .closing:
            // While closing, reading still consumes the peer's close_notify.
            return .decrypt
        case .idle, .closed:
            return .discardInput
        }
    }

    /// Decryption has run; `receivedPlaintext` says whether any application data came out.
    mutating func decrypted(_ result: TLSConnection.ReadResult, receivedPlaintext: Bool) -> Action {
        guard case .active(let confirmed) = state else {
            // Closing or closed: the outcome no longer matters; the channel is on its way down.
            return .none
        }
        switch result {
        case .wantRead:
            if receivedPlaintext, !confirmed { state = .active(peerConfirmed: true) }
            return .none
        case .closeNotify:
            state = .closing
            return .sendCloseNotifyAndClose
        case .failed(var error):
            if !confirmed, !receivedPlaintext, error.code != .certificateRejected {
                error.message += " (right after the handshake: the server may have rejected our certificate)"
            }
            state = .closed(error)
            return .fail(error, sendAlert: true, closeChannel: true)
        }
    }

    /// OpenSSL refused to encrypt (the connection is broken).
    mutating func encryptionFailed(_ error: TLSError) -> Action {
        switch state {
        case .closing, .closed:
            return .none
        case .idle, .handshaking, .active:
            state = .closed(error)
            return .fail(error, sendAlert: false, closeChannel: true)
        }
    }

    /// The handler was asked to write plaintext.
    mutating func write() -> Action {
        switch state {
        case .idle, .handshaking, .active:
            return .bufferWrite
        case .closing, .closed:
            return .failWrite(closedError)
        }
    }

    /// The handler was asked to flush.
    mutating func flush() -> Action {
        switch state {
        case .idle:
            state = .idle(flushRequested: true)
            return .none
        case .handshaking:
            state = .handshaking(flushRequested: true)
            return .none
        case .active:
            return .encryptAndFlush
        case .closing, .closed:
            return .none
        }
    }

    /// The handler was asked to close the channel.
    mutating func close() -> Action {
        switch state {
        case .idle, .handshaking:
            state = .closed(nil)
            return .closeChannel(failWritesWith: closedError)
        case .active:
            state = .closing
            return .sendCloseNotifyAndClose
        case .closing, .closed:
            return .forwardClose
        }
    }

    /// The channel went inactive (TCP closed).
    mutating func channelInactive() -> Action {
        let previous = state
        switch previous {
        case .idle, .closing:
            state = .closed(nil)
            return .failBufferedWrites(closedError)
        case .closed:
            return .failBufferedWrites(closedError)
        case .handshaking:
            let error = TLSError(.ioError, "the connection closed during the TLS handshake")
            state = .closed(error)
            return .fail(error, sendAlert: false, closeChannel: false)
        case .active(let confirmed):
            let error: TLSError
            if confirmed {
                error = TLSError(.ioError, "the peer closed the connection without close_notify")
            } else {
                error = TLSError(
                    .ioError,
                    "the server closed the connection right after the handshake without a word; it may have rejected our certificate"
                )
            }
            state = .closed(error)
            return .fail(error, sendAlert: false, closeChannel: false)
        }
    }

    private var closedError: TLSError {
        if case .closed(let error?) = state {
            return TLSError(.closed, "the TLS connection is closed after an error: \(error.message)")
        }
        return TLSError(.closed, "the TLS connection is closed")
    }
}

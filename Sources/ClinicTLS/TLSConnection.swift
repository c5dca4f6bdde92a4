internal import COpenSSL
internal import NIOCore

/// Owns one OpenSSL `SSL` connection and the ciphertext on both sides of it.
///
/// Ciphertext from the network waits in `inbound` until OpenSSL reads it; OpenSSL's output
/// (handshake messages, records, alerts) collects in `outbound` until drained. Both are
/// `ByteBuffer`s that OpenSSL reads and writes directly through `ConnectionBIO`. Every call
/// clears the thread's error queue first and maps failures into `TLSError` right after. Not
/// thread-safe: one event loop.
final class TLSConnection {
    private let ssl: OpaquePointer
    /// Received ciphertext OpenSSL has not read yet (nil when all of it was read).
    private var inbound: ByteBuffer?
    /// Ciphertext OpenSSL wrote for the network, until drained (`ConnectionBIO` appends).
    var outbound = ByteBuffer()
    /// Keeps the `SSL_CTX`, its ALPN list and its configuration alive and at hand.
    let context: TLSContext
    /// The identity the peer's certificate must carry on this connection.
    let expectedPeer: TLSExpectedPeer?
    /// A precise failure found by a callback during the current OpenSSL call.
    var callbackError: TLSError?

    /// The largest plaintext in one TLS record.
    static let maximumRecordPayload = 16_384
    /// What a TLS 1.3 record adds to its plaintext (header, content type, AEAD tag), with room
    /// to spare.
    static let recordOverhead = 32

    /// A new connection in client or server mode, per the context's role.
    init(context: TLSContext, expectedPeer: TLSExpectedPeer?) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.pointer) else {
            throw OpenSSLErrorQueue.configurationError("cannot create an SSL connection")
        }
        self.ssl = ssl
        self.context = context
        self.expectedPeer = expectedPeer
        // One BIO for both directions (`SSL_set_bio` then takes one reference; `SSL_free` frees it).
        guard let bio = ConnectionBIO.make(for: self) else {
            throw OpenSSLErrorQueue.configurationError("cannot create the connection's BIO")
        }
        SSL_set_bio(ssl, bio, bio)

        // Unretained: `self` owns `ssl`, so it outlives every callback that reads this back.
        _ = copenssl_set_app_data(ssl, Unmanaged.passUnretained(self).toOpaque())
        if context.configuration.role == .server {
            SSL_set_accept_state(ssl)
        } else {
            SSL_set_connect_state(ssl)
        }
        if case .hostname(let name) = expectedPeer?.kind {
            try expectHostname(name)
        }
    }

    deinit {
        SSL_free(ssl)
    }

    /// The connection whose `SSL` this is (for callbacks).
    static func from(ssl: OpaquePointer) -> TLSConnection? {
        guard let data = copenssl_get_app_data(ssl) else { return nil }
        return Unmanaged<TLSConnection>.fromOpaque(data).takeUnretainedValue()
    }

    /// The URI the peer's certificate must carry, when the expectation is an identity.
    var expectedIdentityURI: String? {
        if case .uri(let uri) = expectedPeer?.kind { return uri }
        return nil
    }

    private func expectHostname(_ name: String) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        if Self.isIPAddress(name) {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1 else {
                throw OpenSSLErrorQueue.configurationError("'\(name)' is not a valid IP address")
            }
            return
        }
        SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        guard SSL_set1_host(ssl, name) == 1 else {
            throw OpenSSLErrorQueue.configurationError("cannot expect hostname '\(name)'")
        }
        if context.configuration.role == .client, copenssl_set_tlsext_host_name(ssl, name) != 1 {
            throw OpenSSLErrorQueue.configurationError("cannot send '\(name)' as the server name (SNI)")
        }
    }

    private static func isIPAddress(_ name: String) -> Bool {
        name.contains(":") || (!name.isEmpty && name.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber })
    }
}

extension TLSConnection {
    /// How a handshake step ended.
    enum HandshakeResult {
        case complete
        case wantRead
        case failed(TLSError)
    }

    /// How reading plaintext ended (the plaintext itself is in the caller's buffer).
    enum ReadResult {
        /// Everything received so far is consumed.
        case wantRead
        /// The peer sent close_notify.
        case closeNotify
        case failed(TLSError)
    }

    /// Hands ciphertext received from the network to OpenSSL: kept as it is (no copy) unless
    /// unread bytes are still waiting, which it then follows.
    func receive(_ buffer: ByteBuffer) {
        guard buffer.readableBytes > 0 else { return }
        guard var waiting = inbound, waiting.readableBytes > 0 else {
            inbound = buffer
            return
        }
        inbound = nil
        var more = buffer
        waiting.writeBuffer(&more)
        inbound = waiting
    }

    /// How many received bytes OpenSSL has not read yet.
    var inboundCount: Int { inbound?.readableBytes ?? 0 }

    /// Copies up to `space.count` received bytes into `space` for OpenSSL (`ConnectionBIO`'s
    /// read); returns how many.
    func takeInbound(into space: UnsafeMutableRawBufferPointer) -> Int {
        guard space.count > 0, let available = inbound?.readableBytes, available > 0 else { return 0 }
        let count = min(space.count, available)
        // Read in place: no copy of the ByteBuffer, so no retain and no uniqueness check.
        inbound!.withUnsafeReadableBytes { bytes in
            space.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[..<count]))
        }
        if count == available {
            // A drained buffer is let go, so the channel can reuse its storage for the next read.
            inbound = nil
        } else {
            inbound!.moveReaderIndex(forwardBy: count)
        }
        return count
    }

    /// Runs the handshake as far as the received bytes allow.
    func handshake() -> HandshakeResult {
        callbackError = nil
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            if !context.applicationProtocols.isEmpty, negotiatedProtocol == nil {
                // OpenSSL has no client-side hook to refuse this during the handshake, so our
                // Finished is withheld instead: the server sees the handshake end, not succeed.
                outbound.clear()
                return .failed(TLSError.alpnMismatch(
                    ours: context.configuration.applicationProtocols, detail: "the server selected none"
                ))
            }
            return .complete
        }
        let error = SSL_get_error(ssl, result)
        if error == SSL_ERROR_WANT_READ { return .wantRead }
        return .failed(failure(error, duringHandshake: true))
    }

    /// Decrypts everything decryptable into `buffer`.
    func read(into buffer: inout ByteBuffer) -> ReadResult {
        while true {
            callbackError = nil
            OpenSSLErrorQueue.clear()
            var result: Int32 = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.maximumRecordPayload) { space in
                var count = 0
                result = SSL_read_ex(ssl, space.baseAddress, space.count, &count)
                return result == 1 ? count : 0
            }
            if result == 1 {
                // Nothing left to decrypt (no received byte unread, no record data buffered in
                // OpenSSL): another SSL_read would only report "want read".
                if inbound == nil, SSL_has_pending(ssl) == 0 { return .wantRead }
                continue
            }
            let error = SSL_get_error(ssl, result)
            switch error {
            case SSL_ERROR_WANT_READ:
                return .wantRead
            case SSL_ERROR_ZERO_RETURN:
                return .closeNotify
            default:
                return .failed(failure(error, duringHandshake: false))
            }
        }
    }

    /// Encrypts `bytes` into records in `outbound` (all of them: it never pushes back; the
    /// caller reserves room for a whole batch first with `reserveCiphertext`).
    func write(_ bytes: UnsafeRawBufferPointer) -> TLSError? {
        guard !bytes.isEmpty else { return nil }
        callbackError = nil
        OpenSSLErrorQueue.clear()
        var written = 0
        let result = SSL_write_ex(ssl, bytes.baseAddress, bytes.count, &written)
        if result == 1 { return nil }
        return failure(SSL_get_error(ssl, result), duringHandshake: false)
    }

    /// Queues our close_notify alert in `outbound`.
    func shutdown() {
        OpenSSLErrorQueue.clear()
        // 0 means "sent, peer's not yet received", which is all we wait for.
        _ = SSL_shutdown(ssl)
        _ = OpenSSLErrorQueue.drain()
    }

    /// Makes room in `outbound` for the records of `count` plaintext bytes (each record adds a
    /// header, a content type byte and a tag), so OpenSSL's writes never grow it midway.
    func reserveCiphertext(forPlaintext count: Int) {
        let records = count / Self.maximumRecordPayload + 1
        outbound.reserveCapacity(minimumWritableBytes: count + records * Self.recordOverhead)
    }

    /// How many ciphertext bytes wait to be sent.
    var pendingCiphertext: Int { outbound.readableBytes }

    /// Moves the waiting ciphertext into `buffer`: into an empty one by exchanging storage (no
    /// copy; `outbound` goes on in the caller's buffer's space), otherwise by appending.
    func drainCiphertext(into buffer: inout ByteBuffer) {
        guard outbound.readableBytes > 0 else { return }
        if buffer.readableBytes == 0 {
            swap(&buffer, &outbound)
        } else {
            buffer.writeBuffer(&outbound)
        }
        outbound.clear()
    }

    /// The ALPN protocol both sides agreed on.
    var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>? = nil
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// What the completed handshake established.
    func handshakeSummary() -> TLSHandshakeCompleted {
        var peer: TLSPeerIdentity? = nil
        if let certificate = SSL_get1_peer_certificate(ssl) {
            let owned = OpenSSLCertificate(taking: certificate)
            peer = CertificateNames.identity(of: owned.pointer)
        }
        let cipher = SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) }
        return TLSHandshakeCompleted(applicationProtocol: negotiatedProtocol, peer: peer, cipherSuite: cipher ?? "")
    }

    private func failure(_ sslError: Int32, duringHandshake: Bool) -> TLSError {
        TLSError(
            OpenSSLFailure(
                entries: OpenSSLErrorQueue.drain(),
                sslError: sslError,
                verifyResult: SSL_get_verify_result(ssl),
                callbackError: callbackError,
                duringHandshake: duringHandshake,
                expectedPeer: expectedPeer,
                applicationProtocols: context.configuration.applicationProtocols
            )
        )
    }
}

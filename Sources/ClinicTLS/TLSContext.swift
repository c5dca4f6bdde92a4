internal import COpenSSL

/// Owns one OpenSSL `SSL_CTX`: certificates, key, trust roots and policy, shared by connections.
///
/// Make one per configuration and reuse it for every connection (on any event loop): it is not
/// changed after `init`, and OpenSSL allows creating connections from one context on many threads.
package final class TLSContext: @unchecked Sendable {
    let pointer: OpaquePointer
    /// The settings this context was made from.
    package let configuration: TLSConfiguration
    /// Our ALPN names in preference order, as bytes (servers choose from these).
    let applicationProtocols: [[UInt8]]

    /// Loads certificates and key and applies the policy; throws `invalidConfiguration` on any problem.
    package init(configuration: TLSConfiguration) throws(TLSError) {
        try Self.validate(configuration)
        self.configuration = configuration
        self.applicationProtocols = configuration.applicationProtocols.map { Array($0.utf8) }

        OpenSSLErrorQueue.clear()
        let method = configuration.role == .server ? TLS_server_method() : TLS_client_method()
        guard let context = SSL_CTX_new(method) else {
            throw OpenSSLErrorQueue.configurationError("cannot create an SSL_CTX")
        }
        self.pointer = context
        // From here on, deinit frees the context if a later step throws.

        guard copenssl_ctx_set_min_proto_version(context, TLS1_3_VERSION) == 1,
            copenssl_ctx_set_max_proto_version(context, TLS1_3_VERSION) == 1
        else {
            throw OpenSSLErrorQueue.configurationError("cannot restrict the protocol to TLS 1.3")
        }
        _ = SSL_CTX_set_options(context, copenssl_op_no_compression() | copenssl_op_no_renegotiation())
        _ = copenssl_ctx_set_mode(context, copenssl_mode_accept_moving_write_buffer())
        // No session resumption: connections are long-lived and pooled, and issuing tickets would
        // add work and bytes to every handshake.
        _ = copenssl_ctx_set_session_cache_mode(context, Int(SSL_SESS_CACHE_OFF))
        if configuration.role == .server {
            _ = SSL_CTX_set_num_tickets(context, 0)
        }

        try loadIdentity(configuration)
        try loadTrustRoots(configuration.trustRoots)
        installVerification(configuration)
        try installALPN()
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    private static func validate(_ configuration: TLSConfiguration) throws(TLSError) {
        if configuration.role == .server, configuration.certificateChain == nil || configuration.privateKey == nil {
            throw TLSError(.invalidConfiguration, "a TLS server needs a certificate chain and a private key")
        }
        if (configuration.certificateChain == nil) != (configuration.privateKey == nil) {
            throw TLSError(.invalidConfiguration, "a certificate chain and a private key go together")
        }
        if configuration.role == .client, configuration.peerVerification != .required {
            throw TLSError(.invalidConfiguration, "a TLS client always verifies the server (peerVerification must be .required)")
        }
        for name in configuration.applicationProtocols where name.utf8.isEmpty || name.utf8.count > 255 {
            throw TLSError(.invalidConfiguration, "an ALPN name must be 1 to 255 bytes long, not '\(name)'")
        }
        if let expected = configuration.expectedPeer {
            try expected.validate()
        }
    }

    private func loadIdentity(_ configuration: TLSConfiguration) throws(TLSError) {
        guard let chainSource = configuration.certificateChain, let keySource = configuration.privateKey else { return }
        let chain = try OpenSSLCertificate.all(from: chainSource, what: "certificate chain")
        let key = try OpenSSLPrivateKey(from: keySource)
        OpenSSLErrorQueue.clear()
        guard SSL_CTX_use_certificate(pointer, chain[0].pointer) == 1 else {
            throw OpenSSLErrorQueue.configurationError("cannot use the certificate in \(chainSource)")
        }
        for intermediate in chain.dropFirst() where copenssl_ctx_add1_chain_cert(pointer, intermediate.pointer) != 1 {
            throw OpenSSLErrorQueue.configurationError("cannot add an intermediate certificate from \(chainSource)")
        }
        guard SSL_CTX_use_PrivateKey(pointer, key.pointer) == 1, SSL_CTX_check_private_key(pointer) == 1 else {
            throw OpenSSLErrorQueue.configurationError("the private key \(keySource) does not match the certificate")
        }
    }

    private func loadTrustRoots(_ source: TLSConfiguration.PEMSource) throws(TLSError) {
        let roots = try OpenSSLCertificate.all(from: source, what: "trusted CA")
        guard let store = SSL_CTX_get_cert_store(pointer) else {
            throw OpenSSLErrorQueue.configurationError("the SSL_CTX has no certificate store")
        }
        for root in roots {
            OpenSSLErrorQueue.clear()
            // The store takes its own reference.
            guard X509_STORE_add_cert(store, root.pointer) == 1 else {
                throw OpenSSLErrorQueue.configurationError("cannot trust a CA certificate from \(source)")
            }
        }
    }

    private func installVerification(_ configuration: TLSConfiguration) {
        var mode = SSL_VERIFY_PEER
        switch (configuration.role, configuration.peerVerification.value) {
        case (.client, _):
            break
        case (.server, .required):
            mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT
        case (.server, .optional):
            break
        case (.server, .none):
            mode = SSL_VERIFY_NONE
        }
        SSL_CTX_set_verify(pointer, mode) { preverified, store in
            TLSCallbacks.verify(preverified: preverified, store: store)
        }
    }

    private func installALPN() throws(TLSError) {
        guard !applicationProtocols.isEmpty else { return }
        switch configuration.role {
        case .client:
            let wire = applicationProtocols.flatMap { [UInt8($0.count)] + $0 }
            OpenSSLErrorQueue.clear()
            // Unlike most OpenSSL calls, this one returns 0 on success.
            guard SSL_CTX_set_alpn_protos(pointer, wire, UInt32(wire.count)) == 0 else {
                throw OpenSSLErrorQueue.configurationError("cannot set the ALPN protocols")
            }
        case .server:
            SSL_CTX_set_alpn_select_cb(pointer, { ssl, out, outLength, offered, offeredLength, _ in
                TLSCallbacks.selectALPN(ssl: ssl, out: out, outLength: outLength, offered: offered, offeredLength: offeredLength)
            }, nil)
            SSL_CTX_set_client_hello_cb(pointer, { ssl, alert, _ in
                TLSCallbacks.requireALPN(ssl: ssl, alert: alert)
            }, nil)
        }
    }
}

extension TLSExpectedPeer {
    fileprivate func validate() throws(TLSError) {
        switch kind {
        case .hostname(let name) where name.isEmpty || name.utf8.contains(0):
            throw TLSError(.invalidConfiguration, "the expected hostname must be non-empty text without NUL")
        case .uri(let uri) where uri.isEmpty:
            throw TLSError(.invalidConfiguration, "the expected identity URI must not be empty")
        default:
            break
        }
    }
}

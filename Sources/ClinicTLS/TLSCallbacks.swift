internal import COpenSSL

/// The C callbacks OpenSSL calls during a handshake.
///
/// They run synchronously inside `SSL_do_handshake` on the connection's thread. Each finds its
/// `TLSConnection` through the SSL's app data and records a precise `TLSError` there before
/// failing, so the error mapping can say exactly what went wrong instead of "callback failed".
enum TLSCallbacks {
    /// Certificate verification: OpenSSL's verdict, plus the identity URI check at the leaf.
    static func verify(preverified: Int32, store: OpaquePointer?) -> Int32 {
        // A chain or hostname failure stands; we only add a check to certificates OpenSSL accepted.
        guard preverified == 1, let store, X509_STORE_CTX_get_error_depth(store) == 0 else { return preverified }
        guard let connection = connection(from: store), let expected = connection.expectedIdentityURI else {
            return 1
        }
        guard let leaf = X509_STORE_CTX_get_current_cert(store) else { return 0 }
        let identity = CertificateNames.identity(of: leaf)
        if identity.uris.contains(expected) { return 1 }
        let found = identity.uris.isEmpty ? "none" : identity.uris.joined(separator: ", ")
        connection.callbackError = TLSError(
            .identityMismatch,
            "the peer's certificate does not carry the expected identity \(expected) (its URI names: \(found))"
        )
        // "Certificate rejected" makes OpenSSL send a bad_certificate alert, so the peer learns that
        // its certificate was refused (X509_V_ERR_APPLICATION_VERIFICATION would send a vague
        // handshake_failure). The precise reason is the callbackError above.
        X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED)
        return 0
    }

    /// Server ALPN choice: the first of our protocols that the client offers.
    static func selectALPN(
        ssl: OpaquePointer?,
        out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
        outLength: UnsafeMutablePointer<UInt8>?,
        offered: UnsafePointer<UInt8>?,
        offeredLength: UInt32
    ) -> Int32 {
        guard let ssl, let out, let outLength, let offered, let connection = TLSConnection.from(ssl: ssl) else {
            return SSL_TLSEXT_ERR_ALERT_FATAL
        }
        let list = UnsafeBufferPointer(start: offered, count: Int(offeredLength))
        let entries = alpnEntries(list)
        for ours in connection.context.applicationProtocols {
            if let match = entries.first(where: { list[$0].elementsEqual(ours) }) {
                // OpenSSL copies the selection right after we return; pointing into its input is fine.
                out.pointee = offered + match.lowerBound
                outLength.pointee = UInt8(match.count)
                return SSL_TLSEXT_ERR_OK
            }
        }
        let theirs = entries.map { String(decoding: list[$0], as: UTF8.self) }
        connection.callbackError = TLSError.alpnMismatch(
            ours: connection.context.configuration.applicationProtocols,
            detail: "the client offered \(theirs.isEmpty ? "nothing" : theirs.joined(separator: ", "))"
        )
        return SSL_TLSEXT_ERR_ALERT_FATAL
    }

    /// Server ClientHello check: when we use ALPN, a TLS 1.3 client must offer it.
    ///
    /// OpenSSL only calls the ALPN callback when the client sent the extension, so a client without
    /// it would otherwise get through. Clients that do not offer TLS 1.3 are let through here so
    /// they fail on their version, which is the more useful error.
    static func requireALPN(ssl: OpaquePointer?, alert: UnsafeMutablePointer<Int32>?) -> Int32 {
        guard let ssl, offersTLS13(ssl) else { return SSL_CLIENT_HELLO_SUCCESS }
        var data: UnsafePointer<UInt8>? = nil
        var length = 0
        if SSL_client_hello_get0_ext(ssl, UInt32(TLSEXT_TYPE_application_layer_protocol_negotiation), &data, &length) == 1 {
            return SSL_CLIENT_HELLO_SUCCESS
        }
        if let connection = TLSConnection.from(ssl: ssl) {
            connection.callbackError = TLSError.alpnMismatch(
                ours: connection.context.configuration.applicationProtocols, detail: "the client offered no ALPN"
            )
        }
        alert?.pointee = copenssl_ad_no_application_protocol()
        return SSL_CLIENT_HELLO_ERROR
    }

    /// Whether the ClientHello's supported_versions extension lists TLS 1.3.
    private static func offersTLS13(_ ssl: OpaquePointer) -> Bool {
        var data: UnsafePointer<UInt8>? = nil
        var length = 0
        guard SSL_client_hello_get0_ext(ssl, UInt32(TLSEXT_TYPE_supported_versions), &data, &length) == 1,
            let data, length >= 1
        else { return false }
        let bytes = UnsafeBufferPointer(start: data, count: length)
        let listLength = min(Int(bytes[0]), length - 1)
        var index = 1
        while index + 1 <= listLength {
            if bytes[index] == 0x03, bytes[index + 1] == 0x04 { return true }
            index += 2
        }
        return false
    }

    /// The ranges of the names in an ALPN wire list (length-prefixed strings); stops at damage.
    private static func alpnEntries(_ list: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < list.count {
            let length = Int(list[index])
            let start = index + 1
            guard length > 0, start + length <= list.count else { break }
            ranges.append(start..<start + length)
            index = start + length
        }
        return ranges
    }

    private static func connection(from store: OpaquePointer) -> TLSConnection? {
        guard let ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()) else { return nil }
        return TLSConnection.from(ssl: OpaquePointer(ssl))
    }
}

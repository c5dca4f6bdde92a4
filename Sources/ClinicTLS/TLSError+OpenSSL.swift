internal import COpenSSL

/// What OpenSSL said about one failed call on a connection, gathered right after the call.
struct OpenSSLFailure {
    /// The entries drained from the error queue.
    var entries: [OpenSSLErrorEntry]
    /// `SSL_get_error` for the failed call.
    var sslError: Int32
    /// `SSL_get_verify_result` at the time of the failure.
    var verifyResult: Int
    /// A precise finding recorded by one of our callbacks (identity URI, missing ALPN), if any.
    var callbackError: TLSError?
    /// Whether the handshake was still in progress.
    var duringHandshake: Bool
    /// The peer we expected, for messages.
    var expectedPeer: TLSExpectedPeer?
    /// Our ALPN list, for messages.
    var applicationProtocols: [String]
}

extension TLSError {
    /// Maps a failed OpenSSL call into one typed error. The only place OpenSSL failures on a
    /// connection are interpreted.
    init(_ failure: OpenSSLFailure) {
        let raw = failure.entries.map(\.text)
        if var callbackError = failure.callbackError {
            callbackError.openSSLErrors = raw
            self = callbackError
            return
        }
        let ssl = failure.entries.first { $0.library == ERR_LIB_SSL }
        guard let ssl else {
            let code: Code = failure.duringHandshake ? .handshakeFailed : .protocolViolation
            let detail = failure.entries.last?.reasonText ?? "SSL_get_error returned \(failure.sslError)"
            self.init(code, "TLS failed: \(detail)", openSSLErrors: raw)
            return
        }
        let reason = ssl.reasonText
        switch ssl.reason {
        case SSL_R_CERTIFICATE_VERIFY_FAILED:
            self = Self.verificationError(failure, raw: raw)
        case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
            self.init(.certificateRequired, "the peer presented no certificate, but one is required", openSSLErrors: raw)
        case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED, SSL_R_TLSV1_ALERT_UNKNOWN_CA, SSL_R_SSLV3_ALERT_BAD_CERTIFICATE,
            SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE, SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED,
            SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED, SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN,
            SSL_R_TLSV1_ALERT_ACCESS_DENIED:
            self.init(.certificateRejected, "the peer rejected our certificate (\(reason))", openSSLErrors: raw)
        case SSL_R_UNSUPPORTED_PROTOCOL, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, SSL_R_VERSION_TOO_LOW,
            SSL_R_NO_PROTOCOLS_AVAILABLE:
            self.init(.protocolVersion, "the peer does not speak TLS 1.3, the only version allowed (\(reason))", openSSLErrors: raw)
        case SSL_R_NO_APPLICATION_PROTOCOL, SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL:
            self = Self.alpnMismatch(ours: failure.applicationProtocols, detail: reason, raw: raw)
        case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
            self.init(.handshakeFailed, "the peer aborted the handshake (\(reason))", openSSLErrors: raw)
        case SSL_R_HTTP_REQUEST, SSL_R_HTTPS_PROXY_REQUEST:
            self.init(.notTLS, "the peer sent a plaintext HTTP request instead of TLS (\(reason))", openSSLErrors: raw)
        case SSL_R_WRONG_VERSION_NUMBER, SSL_R_PACKET_LENGTH_TOO_LONG, SSL_R_UNKNOWN_PROTOCOL:
            // These come from the record layer: the first bytes are not a TLS record header.
            if failure.duringHandshake {
                self.init(.notTLS, "the peer did not send TLS records (\(reason))", openSSLErrors: raw)
            } else {
                self.init(.protocolViolation, "malformed TLS record from the peer (\(reason))", openSSLErrors: raw)
            }
        default:
            if failure.duringHandshake {
                self.init(.handshakeFailed, "TLS handshake failed (\(reason))", openSSLErrors: raw)
            } else {
                self.init(.protocolViolation, "TLS error from the peer's data (\(reason))", openSSLErrors: raw)
            }
        }
    }

    /// Our own verification of the peer's certificate failed: say why, from the verify result.
    private static func verificationError(_ failure: OpenSSLFailure, raw: [String]) -> TLSError {
        let result = failure.verifyResult
        let text = X509_verify_cert_error_string(result).map { String(cString: $0) } ?? "verify error \(result)"
        let expected = failure.expectedPeer.map { " \($0)" } ?? ""
        switch Int32(truncatingIfNeeded: result) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
            X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
            X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_CERT_SIGNATURE_FAILURE:
            return TLSError(.unknownCA, "the peer's certificate is not signed by a trusted CA (\(text))", openSSLErrors: raw)
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH, X509_V_ERR_EMAIL_MISMATCH:
            return TLSError(
                .hostnameMismatch, "the peer's certificate does not name the expected\(expected) (\(text))",
                openSSLErrors: raw
            )
        default:
            return TLSError(.certificateRejected, "the peer's certificate is not acceptable (\(text))", openSSLErrors: raw)
        }
    }

    /// No application protocol in common.
    static func alpnMismatch(ours: [String], detail: String, raw: [String] = []) -> TLSError {
        let list = ours.isEmpty ? "none" : ours.joined(separator: ", ")
        return TLSError(
            .alpnMismatch, "no application protocol (ALPN) in common; ours: \(list) (\(detail))", openSSLErrors: raw
        )
    }
}

internal import COpenSSL

/// Owns one OpenSSL `BIO` that PEM is read from.
final class OpenSSLBIO {
    let pointer: OpaquePointer

    /// A BIO over the PEM source: the file itself, or a memory copy of the bytes.
    init(reading source: TLSConfiguration.PEMSource, what: String) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        switch source.storage {
        case .file(let path):
            guard let bio = BIO_new_file(path, "r") else {
                throw OpenSSLErrorQueue.configurationError("cannot open \(what) file \(path)")
            }
            pointer = bio
        case .bytes(let bytes):
            guard let bio = BIO_new(BIO_s_mem()) else {
                throw OpenSSLErrorQueue.configurationError("cannot allocate a BIO for the \(what)")
            }
            pointer = bio
            // BIO_write copies, so the bytes need not outlive this call.
            let written = bytes.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32(clamping: $0.count)) }
            if !bytes.isEmpty, written != Int32(clamping: bytes.count) {
                throw OpenSSLErrorQueue.configurationError("cannot buffer the \(what)")
            }
        }
    }

    deinit { BIO_free(pointer) }
}

/// Owns one reference to an OpenSSL `X509` certificate.
final class OpenSSLCertificate {
    let pointer: OpaquePointer

    /// Takes over a reference the caller owns.
    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { X509_free(pointer) }

    /// Every certificate in a PEM source, in order; at least one.
    static func all(from source: TLSConfiguration.PEMSource, what: String) throws(TLSError) -> [OpenSSLCertificate] {
        let bio = try OpenSSLBIO(reading: source, what: what)
        var certificates: [OpenSSLCertificate] = []
        OpenSSLErrorQueue.clear()
        while let x509 = PEM_read_bio_X509(bio.pointer, nil, refusePassphrase, nil) {
            certificates.append(OpenSSLCertificate(taking: x509))
        }
        // Reading stops with "no start line" at the end of the input; anything else is damage.
        let last = ERR_peek_last_error()
        let cleanEnd = ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE
        if certificates.isEmpty || !cleanEnd {
            let problem = certificates.isEmpty ? "no PEM certificate in" : "unreadable PEM in"
            throw OpenSSLErrorQueue.configurationError("\(problem) the \(what) (\(source))")
        }
        OpenSSLErrorQueue.clear()
        return certificates
    }
}

/// Owns one reference to an OpenSSL `EVP_PKEY`.
final class OpenSSLPrivateKey {
    let pointer: OpaquePointer

    /// The first private key in a PEM source (unencrypted PKCS#8, EC or RSA PEM).
    init(from source: TLSConfiguration.PEMSource) throws(TLSError) {
        let bio = try OpenSSLBIO(reading: source, what: "private key")
        OpenSSLErrorQueue.clear()
        guard let key = PEM_read_bio_PrivateKey(bio.pointer, nil, refusePassphrase, nil) else {
            throw OpenSSLErrorQueue.configurationError("no usable private key in \(source)")
        }
        pointer = key
    }

    deinit { EVP_PKEY_free(pointer) }
}

/// A passphrase callback that refuses: without it OpenSSL would prompt on the terminal for an
/// encrypted key and block the process.
private let refusePassphrase: @convention(c) (
    UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?
) -> Int32 = { _, _, _, _ in 0 }

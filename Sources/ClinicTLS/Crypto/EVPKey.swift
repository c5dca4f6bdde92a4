internal import COpenSSL

/// Owns one reference to an OpenSSL `EVP_PKEY` used for signatures.
///
/// `@unchecked Sendable`: the key is never modified after it is made, and OpenSSL 3 allows a
/// constructed `EVP_PKEY` to be used from several threads at once (each operation makes its own
/// `EVP_MD_CTX`).
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Takes over a reference the caller owns.
    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// The key's OpenSSL type (`EVP_PKEY_ED25519`, ...).
    var type: Int32 { EVP_PKEY_get_id(pointer) }

    /// The public half as DER SubjectPublicKeyInfo.
    func publicKeyDER() throws(CryptoError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        let length = i2d_PUBKEY(pointer, nil)
        guard length > 0 else { throw CryptoError.openSSL(.invalidKey, "cannot encode the public key") }
        var output = [UInt8](repeating: 0, count: Int(length))
        let written = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_PUBKEY(pointer, &cursor)
        }
        guard written == length else { throw CryptoError.openSSL(.invalidKey, "cannot encode the public key") }
        return output
    }

    /// A key read from DER SubjectPublicKeyInfo.
    static func publicKey(der: [UInt8]) throws(CryptoError) -> EVPKey {
        OpenSSLErrorQueue.clear()
        let key = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let key else { throw CryptoError.openSSL(.invalidKey, "not a DER public key") }
        return EVPKey(taking: key)
    }

    /// One-shot signature (for Ed25519 the digest is part of the algorithm, so `md` is NULL).
    func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        guard let context = EVP_MD_CTX_new() else { throw CryptoError.openSSL(.operationFailed, "out of memory") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, pointer) == 1 else {
            throw CryptoError.openSSL(.invalidKey, "cannot sign with this key")
        }
        var length = 0
        let bytes = message.isEmpty ? [0] : message
        let sized = bytes.withUnsafeBufferPointer { input in
            EVP_DigestSign(context, nil, &length, input.baseAddress, message.count)
        }
        guard sized == 1, length > 0 else { throw CryptoError.openSSL(.operationFailed, "signing failed") }
        var signature = [UInt8](repeating: 0, count: length)
        let status = bytes.withUnsafeBufferPointer { input in
            signature.withUnsafeMutableBufferPointer { output in
                EVP_DigestSign(context, output.baseAddress, &length, input.baseAddress, message.count)
            }
        }
        guard status == 1 else { throw CryptoError.openSSL(.operationFailed, "signing failed") }
        return Array(signature.prefix(length))
    }

    /// Whether `signature` is valid for `message` under this key; never throws for a bad signature.
    func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        guard !signature.isEmpty, let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, pointer) == 1 else { return false }
        let bytes = message.isEmpty ? [0] : message
        let status = bytes.withUnsafeBufferPointer { input in
            signature.withUnsafeBufferPointer { sig in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, input.baseAddress, message.count)
            }
        }
        return status == 1
    }
}

internal import COpenSSL

/// SHA-256 over data that arrives in pieces (an uploaded file streamed to disk), through OpenSSL's
/// EVP digest interface; owns its `EVP_MD_CTX` and frees it in `deinit`.
///
/// ```swift
/// let hasher = SHA256Hasher()
/// for chunk in chunks { hasher.update(chunk) }
/// let digest = hasher.finalize()   // 32 bytes
/// ```
///
/// Not Sendable: one hasher belongs to one task, like the data it hashes.
package final class SHA256Hasher {
    private let context: OpaquePointer
    private var finished = false

    /// A hasher with nothing hashed yet.
    package init() {
        // Allocation and init of a SHA-256 context fail only on memory exhaustion, where nothing can go on.
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
        precondition(EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1, "EVP_DigestInit_ex(SHA-256) failed")
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Adds `bytes` to the hashed data. Calling it after `finalize()` is a programming error.
    package func update(_ bytes: [UInt8]) {
        precondition(!finished, "SHA256Hasher.update after finalize")
        guard !bytes.isEmpty else { return }
        let status = bytes.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        precondition(status == 1, "EVP_DigestUpdate(SHA-256) failed")
    }

    /// The digest of everything added (32 bytes); the hasher cannot be used afterwards.
    package func finalize() -> [UInt8] {
        precondition(!finished, "SHA256Hasher.finalize called twice")
        finished = true
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status = output.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        precondition(status == 1 && length == 32, "EVP_DigestFinal_ex(SHA-256) failed")
        return output
    }
}

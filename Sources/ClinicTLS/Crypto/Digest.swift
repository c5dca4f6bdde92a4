internal import COpenSSL

/// Message digests through OpenSSL's EVP interface.
package enum Digest {
    /// SHA-256 of `bytes` (32 bytes).
    package static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        // SHA-256 over memory cannot fail short of memory exhaustion, where nothing can go on.
        precondition(status == 1 && length == 32, "EVP_Digest(SHA-256) failed")
        return output
    }

    /// SHA-256 of the UTF-8 bytes of `text`.
    package static func sha256(_ text: String) -> [UInt8] {
        sha256(Array(text.utf8))
    }
}

internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG (seeded from the kernel).
package enum SecureRandom {
    /// `count` random bytes; throws `randomFailed` rather than ever returning weak bytes.
    package static func bytes(count: Int) throws(CryptoError) -> [UInt8] {
        guard count >= 0, count <= 1 << 20 else {
            throw CryptoError(.invalidParameters, "random byte count must be 0...1048576")
        }
        guard count > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: count)
        OpenSSLErrorQueue.clear()
        let status = output.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        guard status == 1 else { throw CryptoError.openSSL(.randomFailed, "RAND_bytes failed") }
        return output
    }
}

/// Comparisons whose time does not depend on where the inputs differ.
package enum ConstantTime {
    /// Whether `lhs` and `rhs` are equal; the time depends only on the lengths (which are public:
    /// hashes and MACs have fixed sizes).
    package static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard !lhs.isEmpty else { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}

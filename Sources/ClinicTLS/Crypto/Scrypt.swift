internal import COpenSSL

/// The cost of one scrypt derivation (RFC 7914): N = 2^logN, block size r, parallelism p.
/// Memory used is about 128 · r · N bytes.
package struct ScryptParameters: Sendable, Hashable, CustomStringConvertible {
    /// log2 of the CPU/memory cost N.
    package var logN: Int
    /// Block size.
    package var r: Int
    /// Parallelization.
    package var p: Int

    /// Makes parameters; checked when used (`validate()`).
    package init(logN: Int, r: Int, p: Int) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// OWASP's recommendation for password storage: N = 2^17, r = 8, p = 1 (128 MiB, a few hundred ms).
    package static let passwordStorage = ScryptParameters(logN: 17, r: 8, p: 1)

    /// Cheap parameters for tests only (N = 2^10: 1 MiB, about a millisecond).
    package static let testing = ScryptParameters(logN: 10, r: 8, p: 1)

    /// The bounds we accept, also when parsing a stored hash (so a hostile hash string cannot ask
    /// for gigabytes of memory): logN 1...20, r 1...32, p 1...16, r·p < 2^30.
    package func validate() throws(CryptoError) {
        guard (1...20).contains(logN), (1...32).contains(r), (1...16).contains(p) else {
            throw CryptoError(.invalidParameters, "scrypt parameters out of range (\(self))")
        }
    }

    /// N.
    package var n: UInt64 { 1 << UInt64(logN) }

    /// The memory the derivation needs, with headroom, as OpenSSL's `maxmem` (it refuses more).
    var maxMemory: UInt64 {
        let r = UInt64(r), p = UInt64(p)
        return 128 * r * p + 128 * r * (n + 2) + 1 << 20
    }

    package var description: String { "ln=\(logN),r=\(r),p=\(p)" }
}

/// The scrypt key-derivation function (RFC 7914) through OpenSSL's `EVP_PBE_scrypt`.
///
/// Blocking and deliberately expensive: call it on a thread pool, never on an event loop or the
/// Swift cooperative pool.
package enum Scrypt {
    /// Derives `length` bytes (1...1024) from `password` and `salt`.
    package static func derive(
        password: [UInt8], salt: [UInt8], parameters: ScryptParameters, length: Int
    ) throws(CryptoError) -> [UInt8] {
        try parameters.validate()
        guard (1...1024).contains(length) else {
            throw CryptoError(.invalidParameters, "scrypt output length must be 1...1024")
        }
        var output = [UInt8](repeating: 0, count: length)
        OpenSSLErrorQueue.clear()
        // An empty array may have no storage; OpenSSL wants a pointer even for zero bytes.
        let passwordBytes = password.isEmpty ? [0] : password
        let saltBytes = salt.isEmpty ? [0] : salt
        let status = passwordBytes.withUnsafeBufferPointer { pass in
            saltBytes.withUnsafeBufferPointer { salted in
                output.withUnsafeMutableBufferPointer { out in
                    pass.withMemoryRebound(to: CChar.self) { passChars in
                        EVP_PBE_scrypt(
                            passChars.baseAddress, password.count, salted.baseAddress, salt.count,
                            parameters.n, UInt64(parameters.r), UInt64(parameters.p), parameters.maxMemory,
                            out.baseAddress, length)
                    }
                }
            }
        }
        guard status == 1 else { throw CryptoError.openSSL(.operationFailed, "scrypt derivation failed") }
        return output
    }
}

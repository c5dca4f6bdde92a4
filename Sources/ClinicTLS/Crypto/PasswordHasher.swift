/// Hashes and checks passwords with scrypt, storing the parameters and salt with the hash in a
/// PHC-style string: `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64 without padding).
///
/// Because the parameters travel with each hash, they can be raised later: `needsRehash` tells
/// when a stored hash was made with other parameters, and a login can then store a new one.
/// Blocking and expensive (see `Scrypt`): run it on a thread pool.
package struct PasswordHasher: Sendable {
    /// The parameters new hashes are made with.
    package var parameters: ScryptParameters
    /// Salt length in bytes.
    package var saltLength = 16
    /// Derived key length in bytes.
    package var hashLength = 32

    /// A hasher making new hashes with `parameters`.
    package init(parameters: ScryptParameters = .passwordStorage) {
        self.parameters = parameters
    }

    /// A new hash of `password` (its UTF-8 bytes) with a fresh random salt.
    package func hash(_ password: String) throws(CryptoError) -> String {
        let salt = try SecureRandom.bytes(count: saltLength)
        let derived = try Scrypt.derive(password: Array(password.utf8), salt: salt, parameters: parameters, length: hashLength)
        return StoredPasswordHash(parameters: parameters, salt: salt, hash: derived).encoded
    }

    /// Whether `password` matches `stored`; the comparison takes the same time wherever the
    /// hashes differ. A stored string that does not parse throws `invalidEncoding`.
    package func verify(_ password: String, against stored: String) throws(CryptoError) -> Bool {
        let parsed = try StoredPasswordHash(parsing: stored)
        let derived = try Scrypt.derive(
            password: Array(password.utf8), salt: parsed.salt, parameters: parsed.parameters, length: parsed.hash.count)
        return ConstantTime.equals(derived, parsed.hash)
    }

    /// Spends the time of one verification without a stored hash, so that a login for an unknown
    /// account takes as long as one for a known account with a wrong password.
    package func burnVerificationTime(_ password: String) {
        _ = try? Scrypt.derive(
            password: Array(password.utf8), salt: [UInt8](repeating: 0x5A, count: saltLength), parameters: parameters,
            length: hashLength)
    }

    /// Whether `stored` was made with other parameters or lengths than this hasher uses now.
    package func needsRehash(_ stored: String) -> Bool {
        guard let parsed = try? StoredPasswordHash(parsing: stored) else { return true }
        return parsed.parameters != parameters || parsed.salt.count != saltLength || parsed.hash.count != hashLength
    }
}

/// The parts of a stored password hash string.
struct StoredPasswordHash: Equatable {
    var parameters: ScryptParameters
    var salt: [UInt8]
    var hash: [UInt8]

    init(parameters: ScryptParameters, salt: [UInt8], hash: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.hash = hash
    }

    /// Parses `$scrypt$ln=..,r=..,p=..$salt$hash`, refusing anything out of bounds.
    init(parsing text: String) throws(CryptoError) {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt" else {
            throw CryptoError(.invalidEncoding, "not an scrypt password hash")
        }
        var values: [String: Int] = [:]
        for item in parts[2].split(separator: ",", omittingEmptySubsequences: false) {
            let pair = item.split(separator: "=", omittingEmptySubsequences: false)
            guard pair.count == 2, let number = Int(pair[1]), pair[1].count <= 3, values[String(pair[0])] == nil else {
                throw CryptoError(.invalidEncoding, "malformed scrypt parameters")
            }
            values[String(pair[0])] = number
        }
        guard values.count == 3, let logN = values["ln"], let r = values["r"], let p = values["p"] else {
            throw CryptoError(.invalidEncoding, "scrypt parameters must be ln, r and p")
        }
        let parameters = ScryptParameters(logN: logN, r: r, p: p)
        try parameters.validate()
        guard let salt = UnpaddedBase64.decode(parts[3]), (8...64).contains(salt.count),
            let hash = UnpaddedBase64.decode(parts[4]), (16...64).contains(hash.count)
        else {
            throw CryptoError(.invalidEncoding, "malformed scrypt salt or hash")
        }
        self.init(parameters: parameters, salt: salt, hash: hash)
    }

    var encoded: String {
        "$scrypt$\(parameters)$\(UnpaddedBase64.encode(salt))$\(UnpaddedBase64.encode(hash))"
    }
}

/// Standard-alphabet base64 without padding, as PHC strings use it.
enum UnpaddedBase64 {
    static let codec = UnpaddedBase64Codec(alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    static func encode(_ bytes: [UInt8]) -> String { codec.encode(bytes) }

    static func decode(_ text: Substring) -> [UInt8]? { codec.decode(text) }
}

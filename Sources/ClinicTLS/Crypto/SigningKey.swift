import Foundation
internal import COpenSSL

/// The signature algorithm of token signing keys: Ed25519 (JWT `alg` "EdDSA", RFC 8037).
///
/// Chosen over ES256 because its signatures are deterministic and fixed-size (64 bytes), there is
/// no nonce to get wrong, and verification has no DER-to-raw conversion step.
package enum SignatureAlgorithm: String, Sendable, Hashable {
    /// Ed25519.
    case ed25519 = "EdDSA"
}

/// A private key that signs tokens (Ed25519), with its public half.
package struct SigningPrivateKey: Sendable {
    let key: EVPKey
    /// The public half, for verifiers.
    package let publicKey: SigningPublicKey

    private init(key: EVPKey) throws(CryptoError) {
        guard key.type == EVP_PKEY_ED25519 else { throw CryptoError(.invalidKey, "the key is not an Ed25519 key") }
        self.key = key
        self.publicKey = try SigningPublicKey(key: EVPKey.publicKey(der: key.publicKeyDER()))
    }

    /// A new random key.
    package static func generate() throws(CryptoError) -> SigningPrivateKey {
        // A raw Ed25519 private key is 32 random bytes (RFC 8032 §5.1.5).
        var seed = try SecureRandom.bytes(count: 32)
        defer { for index in seed.indices { seed[index] = 0 } }
        OpenSSLErrorQueue.clear()
        let key = seed.withUnsafeBufferPointer { EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }
        guard let key else { throw CryptoError.openSSL(.operationFailed, "cannot make an Ed25519 key") }
        return try SigningPrivateKey(key: EVPKey(taking: key))
    }

    /// The key in a PEM document (unencrypted PKCS#8, `-----BEGIN PRIVATE KEY-----`).
    package init(pem: String) throws(CryptoError) {
        let bio = try MemoryBIO(Array(pem.utf8))
        OpenSSLErrorQueue.clear()
        guard let key = PEM_read_bio_PrivateKey(bio.pointer, nil, refusePassphrase, nil) else {
            throw CryptoError.openSSL(.invalidKey, "no usable private key in the PEM text")
        }
        try self.init(key: EVPKey(taking: key))
    }

    /// The key as unencrypted PKCS#8 PEM. Secret: write it only to a 0600 file.
    package func pemRepresentation() throws(CryptoError) -> String {
        let bio = try MemoryBIO([])
        OpenSSLErrorQueue.clear()
        guard PEM_write_bio_PrivateKey(bio.pointer, key.pointer, nil, nil, 0, nil, nil) == 1 else {
            throw CryptoError.openSSL(.invalidKey, "cannot encode the private key")
        }
        return String(decoding: bio.contents(), as: UTF8.self)
    }

    /// Signs `message` (64 bytes for Ed25519).
    package func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        try key.sign(message)
    }

    /// Reads the key from a PEM file.
    package static func load(fromFile path: String) throws(CryptoError) -> SigningPrivateKey {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CryptoError(.fileError, "cannot read the key file \(path)")
        }
        return try SigningPrivateKey(pem: text)
    }

    /// Writes the key to `path` with mode 0600, only if no file is there yet (atomically: the file
    /// appears complete or not at all). Returns false when a file already exists at `path`, so two
    /// processes starting at once agree on one key: the loser loads the winner's.
    @discardableResult
    package func writeIfAbsent(toFile path: String) throws(CryptoError) -> Bool {
        try KeyFile.createExclusively(path: path, contents: Array(pemRepresentation().utf8), mode: 0o600)
    }
}

/// A public key that verifies token signatures (Ed25519).
package struct SigningPublicKey: Sendable, Hashable {
    let key: EVPKey
    /// DER SubjectPublicKeyInfo, as `SigningKey.public_key_der` carries it.
    package let derRepresentation: [UInt8]

    init(key: EVPKey) throws(CryptoError) {
        guard key.type == EVP_PKEY_ED25519 else { throw CryptoError(.invalidKey, "the key is not an Ed25519 key") }
        self.key = key
        self.derRepresentation = try key.publicKeyDER()
    }

    /// The key from DER SubjectPublicKeyInfo; any other key type is `invalidKey`.
    package init(derRepresentation der: [UInt8]) throws(CryptoError) {
        try self.init(key: EVPKey.publicKey(der: der))
    }

    /// The key from a PEM `-----BEGIN PUBLIC KEY-----` document.
    package init(pem: String) throws(CryptoError) {
        let bio = try MemoryBIO(Array(pem.utf8))
        OpenSSLErrorQueue.clear()
        guard let key = PEM_read_bio_PUBKEY(bio.pointer, nil, refusePassphrase, nil) else {
            throw CryptoError.openSSL(.invalidKey, "no public key in the PEM text")
        }
        try self.init(key: EVPKey(taking: key))
    }

    /// The key as a PEM `PUBLIC KEY` document.
    package func pemRepresentation() throws(CryptoError) -> String {
        let bio = try MemoryBIO([])
        OpenSSLErrorQueue.clear()
        guard PEM_write_bio_PUBKEY(bio.pointer, key.pointer) == 1 else {
            throw CryptoError.openSSL(.invalidKey, "cannot encode the public key")
        }
        return String(decoding: bio.contents(), as: UTF8.self)
    }

    /// The algorithm this key verifies.
    package var algorithm: SignatureAlgorithm { .ed25519 }

    /// A stable id for the key: base64url of the first 12 bytes of SHA-256 over its DER (16 characters).
    package var keyID: String {
        Base64URL.encode(Array(Digest.sha256(derRepresentation).prefix(12)))
    }

    /// Whether `signature` signs `message` under this key.
    package func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        key.verify(signature, for: message)
    }

    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.derRepresentation == rhs.derRepresentation }
    package func hash(into hasher: inout Hasher) { hasher.combine(derRepresentation) }
}

/// Owns one memory `BIO`.
final class MemoryBIO {
    let pointer: OpaquePointer

    init(_ bytes: [UInt8]) throws(CryptoError) {
        OpenSSLErrorQueue.clear()
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.openSSL(.operationFailed, "out of memory") }
        pointer = bio
        if !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32(clamping: $0.count)) }
            guard written == Int32(clamping: bytes.count) else {
                throw CryptoError.openSSL(.operationFailed, "cannot buffer the PEM text")
            }
        }
    }

    deinit { BIO_free(pointer) }

    /// Everything written to the BIO so far.
    func contents() -> [UInt8] {
        let pending = Int(BIO_ctrl_pending(pointer))
        guard pending > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: pending)
        let read = output.withUnsafeMutableBytes { BIO_read(pointer, $0.baseAddress, Int32(clamping: pending)) }
        return Array(output.prefix(max(0, Int(read))))
    }
}

/// A passphrase callback that refuses, so OpenSSL never prompts on the terminal for an encrypted key.
private let refusePassphrase: @convention(c) (
    UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?
) -> Int32 = { _, _, _, _ in 0 }

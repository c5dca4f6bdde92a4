import ClinicTLS
import Foundation
import Testing

@Suite("Ed25519 signing keys")
struct SigningKeyTests {
    @Test func signAndVerify() throws {
        let key = try SigningPrivateKey.generate()
        let message = Array("header.payload".utf8)
        let signature = try key.sign(message)
        #expect(signature.count == 64)
        #expect(key.publicKey.verify(signature, for: message))
        // Ed25519 is deterministic.
        #expect(try key.sign(message) == signature)
    }

    @Test func tamperingIsDetected() throws {
        let key = try SigningPrivateKey.generate()
        let message = Array("header.payload".utf8)
        let signature = try key.sign(message)
        var changedMessage = message
        changedMessage[0] ^= 1
        #expect(!key.publicKey.verify(signature, for: changedMessage))
        var changedSignature = signature
        changedSignature[10] ^= 0x80
        #expect(!key.publicKey.verify(changedSignature, for: message))
        #expect(!key.publicKey.verify(Array(signature.prefix(63)), for: message))
        #expect(!key.publicKey.verify([], for: message))
        let other = try SigningPrivateKey.generate()
        #expect(!other.publicKey.verify(signature, for: message))
    }

    @Test func pemAndDERRoundTrip() throws {
        let key = try SigningPrivateKey.generate()
        let pem = try key.pemRepresentation()
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let reloaded = try SigningPrivateKey(pem: pem)
        #expect(reloaded.publicKey == key.publicKey)
        let message = Array("m".utf8)
        #expect(key.publicKey.verify(try reloaded.sign(message), for: message))

        let publicPEM = try key.publicKey.pemRepresentation()
        #expect(try SigningPublicKey(pem: publicPEM) == key.publicKey)
        #expect(try SigningPublicKey(derRepresentation: key.publicKey.derRepresentation) == key.publicKey)
        #expect(key.publicKey.keyID.count == 16)
        #expect(key.publicKey.keyID == reloaded.publicKey.keyID)
    }

    @Test func garbageAndOtherKeyTypesAreRefused() throws {
        #expect(throws: CryptoError.self) { try SigningPrivateKey(pem: "not a key") }
        #expect(throws: CryptoError.self) { try SigningPublicKey(derRepresentation: [0x30, 0x03, 0x02, 0x01, 0x00]) }
        // An EC P-256 key (what the TLS certificates use) is not a token signing key.
        let ecKey = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgevZzL1gdAFr88hb2
            OF/2NxApJCzGCEDdfSp6VQO30hyhRANCAAQRWz+jn65BtOMvdyHKcvjBeBSDZH2r
            1RTwjmYSi9R/zpBnuQ4EiMnCqfMPWiZqB4QdbAd0E7oH50VpuZ1P087G
            -----END PRIVATE KEY-----
            """
        #expect(throws: CryptoError.self) { try SigningPrivateKey(pem: ecKey) }
    }

    @Test func keyFileIsWrittenOnceWithMode0600() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crypto-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/key.pem"
        let first = try SigningPrivateKey.generate()
        #expect(try first.writeIfAbsent(toFile: path))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        // A second writer loses and must load the first key.
        #expect(try !SigningPrivateKey.generate().writeIfAbsent(toFile: path))
        #expect(try SigningPrivateKey.load(fromFile: path).publicKey == first.publicKey)
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["key.pem"])
    }

    @Test func base64URLIsStrict() {
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64URL.decode("") == [])
        for bad in ["-_8=", "+/8", "a", "ab c", "-_9"] {  // padding, standard alphabet, length, space, non-zero tail bits
            #expect(Base64URL.decode(bad) == nil, "\(bad)")
        }
        for length in 0..<20 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }
}

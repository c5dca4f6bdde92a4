import ClinicTLS
import Testing

@Suite("scrypt and password hashes")
struct ScryptTests {
    /// RFC 7914 §12 test vectors (the 2^20 one is left out: 1 GiB of memory).
    @Test(arguments: [
        ("", "", 4, 1, 1,
         "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        ("password", "NaCl", 10, 8, 16,
         "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
        ("pleaseletmein", "SodiumChloride", 14, 8, 1,
         "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
    ])
    func knownAnswers(password: String, salt: String, logN: Int, r: Int, p: Int, expected: String) throws {
        let derived = try Scrypt.derive(
            password: Array(password.utf8), salt: Array(salt.utf8), parameters: ScryptParameters(logN: logN, r: r, p: p),
            length: 64)
        #expect(hex(derived) == expected)
    }

    @Test func parametersOutOfBoundsAreRefused() {
        for parameters in [ScryptParameters(logN: 0, r: 8, p: 1), ScryptParameters(logN: 21, r: 8, p: 1),
                           ScryptParameters(logN: 10, r: 0, p: 1), ScryptParameters(logN: 10, r: 8, p: 17)] {
            #expect(throws: CryptoError.self) {
                try Scrypt.derive(password: [1], salt: [2], parameters: parameters, length: 32)
            }
        }
    }

    @Test func hashStoresParametersAndVerifies() throws {
        let hasher = PasswordHasher(parameters: .testing)
        let stored = try hasher.hash("correct horse battery staple")
        #expect(stored.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(try hasher.verify("correct horse battery staple", against: stored))
        #expect(try !hasher.verify("correct horse battery stapler", against: stored))
        #expect(try !hasher.verify("", against: stored))
        // A fresh salt each time: the same password never gives the same string.
        #expect(try hasher.hash("correct horse battery staple") != stored)
        // Verification reads the parameters from the hash, not from the hasher.
        #expect(try PasswordHasher(parameters: ScryptParameters(logN: 11, r: 8, p: 1)).verify("correct horse battery staple", against: stored))
        #expect(!hasher.needsRehash(stored))
        #expect(PasswordHasher(parameters: ScryptParameters(logN: 11, r: 8, p: 1)).needsRehash(stored))
    }

    @Test func tamperedOrHostileHashStringsAreRefused() throws {
        let hasher = PasswordHasher(parameters: .testing)
        let stored = try hasher.hash("a long enough password")
        var parts = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        // One character of the hash changed (still canonical base64): the password no longer matches.
        var hash = Array(parts[4])
        hash[5] = hash[5] == "A" ? "B" : "A"
        parts[4] = String(hash)
        #expect(try !hasher.verify("a long enough password", against: parts.joined(separator: "$")))
        for hostile in ["", "plain", "$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                        "$scrypt$ln=10,r=8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                        "$scrypt$ln=10,r=8,p=1$!!$AAAA", "$bcrypt$ln=10,r=8,p=1$AAAA$AAAA"] {
            #expect(throws: CryptoError.self) { try hasher.verify("x", against: hostile) }
        }
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([], []))
    }

    @Test func randomBytesDiffer() throws {
        let first = try SecureRandom.bytes(count: 32)
        let second = try SecureRandom.bytes(count: 32)
        #expect(first.count == 32 && first != second)
        #expect(try SecureRandom.bytes(count: 0).isEmpty)
        #expect(throws: CryptoError.self) { try SecureRandom.bytes(count: -1) }
    }
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

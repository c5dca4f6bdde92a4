import ClinicTLS
import Foundation
@testable import Platform
import Synchronization
import Testing

/// A key source whose answer a test changes, counting fetches.
final class ChangingKeySource: VerificationKeySource, Sendable {
    private let state: Mutex<(keys: [SigningPublicKey], fails: Bool, fetches: Int)>

    init(keys: [SigningPublicKey], fails: Bool = false) {
        state = Mutex((keys, fails, 0))
    }

    var fetches: Int { state.withLock { $0.fetches } }

    func set(keys: [SigningPublicKey], fails: Bool = false) {
        state.withLock { $0.keys = keys; $0.fails = fails }
    }

    func fetchKeys() async throws -> VerificationKeys {
        let (keys, fails) = state.withLock { state in
            state.fetches += 1
            return (state.keys, state.fails)
        }
        if fails { throw CryptoError(.fileError, "auth is not up") }
        return VerificationKeys(keys: keys, maxAge: .seconds(3600))
    }
}

@Suite("Verification keys: cached, refetched on an unknown kid")
struct VerificationKeySetTests {
    @Test func unknownKidRefetchesOnceThenRateLimits() async throws {
        let first = try SigningPrivateKey.generate()
        let second = try SigningPrivateKey.generate()
        let source = ChangingKeySource(keys: [first.publicKey])
        let keys = VerificationKeySet(source: source, minimumRefetchInterval: .seconds(3600))
        #expect(try await keys.key(id: first.publicKey.keyID) == first.publicKey)
        #expect(try await keys.key(id: first.publicKey.keyID) == first.publicKey)
        #expect(source.fetches == 1)
        // A rotation: the new kid is not known yet; within the interval no refetch happens.
        source.set(keys: [second.publicKey, first.publicKey])
        await #expect(throws: TokenError.self) { try await keys.key(id: second.publicKey.keyID) }
        await #expect(throws: TokenError.self) { try await keys.key(id: "made-up") }
        #expect(source.fetches == 1)
    }

    @Test func unknownKidIsFetchedWhenAllowed() async throws {
        let first = try SigningPrivateKey.generate()
        let second = try SigningPrivateKey.generate()
        let source = ChangingKeySource(keys: [first.publicKey])
        let keys = VerificationKeySet(source: source, minimumRefetchInterval: .zero)
        _ = try await keys.key(id: first.publicKey.keyID)
        source.set(keys: [second.publicKey, first.publicKey])
        #expect(try await keys.key(id: second.publicKey.keyID) == second.publicKey)
        #expect(source.fetches == 2)
    }

    @Test func unreachableSourceIsUnavailableNotInvalid() async throws {
        let key = try SigningPrivateKey.generate()
        let source = ChangingKeySource(keys: [], fails: true)
        let keys = VerificationKeySet(source: source, minimumRefetchInterval: .zero)
        do {
            _ = try await keys.key(id: key.publicKey.keyID)
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .keysUnavailable)
        }
        source.set(keys: [key.publicKey])
        #expect(try await keys.key(id: key.publicKey.keyID) == key.publicKey)
    }

    @Test func publicKeyFileIsWrittenAndRead() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = try SigningKeyFiles.loadOrCreate(dataDirectory: directory)
        let privatePath = SigningKeyFiles.privateKeyPath(dataDirectory: directory)
        let mode = try FileManager.default.attributesOfItem(atPath: privatePath)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        // The second start loads the same key.
        #expect(try SigningKeyFiles.loadOrCreate(dataDirectory: directory).publicKey == key.publicKey)
        let source = PublicKeyFileSource(path: SigningKeyFiles.publicKeysPath(dataDirectory: directory))
        #expect(try await source.fetchKeys().keys == [key.publicKey])
        // A private key others can read is refused.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: privatePath)
        #expect(throws: (any Error).self) { try SigningKeyFiles.loadOrCreate(dataDirectory: directory) }
    }
}

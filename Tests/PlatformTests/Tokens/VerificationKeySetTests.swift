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

/// A key source whose fetch waits until the test opens the gate, counting fetches.
final class GatedKeySource: VerificationKeySource, Sendable {
    private let state: Mutex<(open: Bool, fetches: Int, waiting: [CheckedContinuation<Void, Never>])>
    private let keys: [SigningPublicKey]

    init(keys: [SigningPublicKey]) {
        self.keys = keys
        state = Mutex((false, 0, []))
    }

    var fetches: Int { state.withLock { $0.fetches } }

    func open() {
        let waiting = state.withLock { state in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func fetchKeys() async throws -> VerificationKeys {
        await withCheckedContinuation { continuation in
            let proceed = state.withLock { state in
                state.fetches += 1
                if !state.open { state.waiting.append(continuation) }
                return state.open
            }
            if proceed { continuation.resume() }
        }
        return VerificationKeys(keys: keys, maxAge: .seconds(3600))
    }
}

@Suite("Verification keys: concurrent callers share the first fetch")
struct VerificationKeySetConcurrencyTests {
    @Test("calls racing the first key load wait for it and all succeed, with one fetch")
    func callersJoinTheInFlightFetch() async throws {
        let key = try SigningPrivateKey.generate()
        let source = GatedKeySource(keys: [key.publicKey])
        let keys = VerificationKeySet(source: source, minimumRefetchInterval: .seconds(3600))
        let results = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await keys.key(id: key.publicKey.keyID)) == key.publicKey }
            // The first call's fetch is running (and held) before the others arrive.
            while source.fetches == 0 { await Task.yield() }
            for _ in 0..<7 {
                group.addTask { (try? await keys.key(id: key.publicKey.keyID)) == key.publicKey }
            }
            // Give the seven time to reach the key set while the fetch is still held.
            try? await Task.sleep(for: .milliseconds(100))
            source.open()
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 8)
        #expect(results.allSatisfy { $0 }, "\(results.filter { !$0 }.count) of 8 calls were refused")
        #expect(source.fetches == 1)
    }

    @Test("after a completed fetch, unknown key ids still wait for the refetch interval")
    func unknownKidsStayRateLimited() async throws {
        let key = try SigningPrivateKey.generate()
        let source = GatedKeySource(keys: [key.publicKey])
        source.open()
        let keys = VerificationKeySet(source: source, minimumRefetchInterval: .seconds(3600))
        _ = try await keys.key(id: key.publicKey.keyID)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    do {
                        _ = try await keys.key(id: "made-up-\(index)")
                        Issue.record("a made-up key id was accepted")
                    } catch {
                        #expect((error as? TokenError)?.code == .unknownKey)
                    }
                }
            }
        }
        #expect(source.fetches == 1)
    }

    @Test("while the first fetch keeps failing, callers are told the keys are unavailable")
    func failingFirstFetchIsUnavailable() async throws {
        let key = try SigningPrivateKey.generate()
        let source = ChangingKeySource(keys: [], fails: true)
        let keys = VerificationKeySet(source: source, minimumRefetchInterval: .seconds(3600))
        for _ in 0..<3 {
            do {
                _ = try await keys.key(id: key.publicKey.keyID)
                Issue.record("expected a failure")
            } catch {
                #expect(error.code == .keysUnavailable)
            }
        }
    }
}

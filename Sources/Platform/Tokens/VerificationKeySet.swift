package import ClinicTLS
import Foundation
import Synchronization

/// The public keys a source currently publishes, and how long they may be cached.
package struct VerificationKeys: Sendable {
    /// Every key that may have signed an unexpired token.
    package var keys: [SigningPublicKey]
    /// How long the set may be used before it is fetched again.
    package var maxAge: Duration

    /// Makes a set.
    package init(keys: [SigningPublicKey], maxAge: Duration) {
        self.keys = keys
        self.maxAge = maxAge
    }
}

/// Where a service gets the auth service's public keys (see docs/AUTH.md).
package protocol VerificationKeySource: Sendable {
    /// The current keys; throws when they cannot be had now (auth not reachable, file missing).
    func fetchKeys() async throws -> VerificationKeys
}

/// The auth service's public keys, cached: tokens are verified locally, and the source is asked
/// again only when the cache is older than its `maxAge`, or when a token names an unknown `kid`
/// (a key rotation) — at most once per `minimumRefetchInterval`, so tokens with made-up key ids
/// cannot make a service hammer its source. One fetch at a time; callers share it.
package final class VerificationKeySet: Sendable {
    private struct State {
        var keys: [String: SigningPublicKey] = [:]
        var freshUntil: ContinuousClock.Instant?
        var lastAttempt: ContinuousClock.Instant?
        var fetch: Task<VerificationKeys, any Error>?
    }

    private let source: any VerificationKeySource
    private let minimumRefetchInterval: Duration
    private let state = Mutex(State())

    /// A cache over `source`.
    package init(source: any VerificationKeySource, minimumRefetchInterval: Duration = .seconds(30)) {
        self.source = source
        self.minimumRefetchInterval = minimumRefetchInterval
    }

    /// A fixed set of keys (the auth service verifying its own tokens; tests).
    package convenience init(keys: [SigningPublicKey]) {
        self.init(source: StaticVerificationKeySource(keys: keys))
    }

    /// The key with id `id`.
    package func key(id: String) async throws(TokenError) -> SigningPublicKey {
        let now = ContinuousClock.now
        let (cached, shouldFetch): (SigningPublicKey?, Bool) = state.withLock { state in
            let cached = state.keys[id]
            let stale = state.freshUntil.map { now >= $0 } ?? true
            let mayRetry = state.lastAttempt.map { now - $0 >= minimumRefetchInterval } ?? true
            // A known key from a stale set is used while a new set is fetched (and if fetching fails).
            return (cached, (cached == nil && mayRetry) || (cached != nil && stale && mayRetry))
        }
        if let cached {
            if shouldFetch { Task { _ = try? await self.refresh() } }
            return cached
        }
        guard shouldFetch else { throw TokenError(.unknownKey, "token key id is not known") }
        do {
            try await refresh()
        } catch {
            let everFetched = state.withLock { $0.freshUntil != nil }
            throw everFetched
                ? TokenError(.unknownKey, "token key id is not known")
                : TokenError(.keysUnavailable, "token verification keys are not available yet")
        }
        guard let key = state.withLock({ $0.keys[id] }) else { throw TokenError(.unknownKey, "token key id is not known") }
        return key
    }

    /// Fetches the keys now (sharing a fetch already running).
    package func refresh() async throws {
        let task: Task<VerificationKeys, any Error> = state.withLock { state in
            if let running = state.fetch { return running }
            state.lastAttempt = .now
            let source = self.source
            let task = Task { try await source.fetchKeys() }
            state.fetch = task
            return task
        }
        let result = await task.result
        state.withLock { state in
            if state.fetch == task { state.fetch = nil }
            if case .success(let fetched) = result {
                state.keys = Dictionary(fetched.keys.map { ($0.keyID, $0) }, uniquingKeysWith: { first, _ in first })
                state.freshUntil = .now + fetched.maxAge
            }
        }
        _ = try result.get()
    }
}

/// Keys known in advance.
package struct StaticVerificationKeySource: VerificationKeySource {
    /// The keys.
    package let keys: [SigningPublicKey]

    /// A source that always answers `keys`.
    package init(keys: [SigningPublicKey]) { self.keys = keys }

    package func fetchKeys() async throws -> VerificationKeys {
        VerificationKeys(keys: keys, maxAge: .seconds(365 * 24 * 3600))
    }
}

/// The PEM file of public keys the auth service writes at start (`SigningKeyFiles.publicKeysPath`),
/// for services that share its data folder.
package struct PublicKeyFileSource: VerificationKeySource {
    /// The file.
    package let path: String
    /// How long a read stays fresh.
    package let maxAge: Duration

    /// A source reading `path`.
    package init(path: String, maxAge: Duration = .seconds(300)) {
        self.path = path
        self.maxAge = maxAge
    }

    package func fetchKeys() async throws -> VerificationKeys {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return VerificationKeys(keys: try Self.parse(text), maxAge: maxAge)
    }

    /// Every `PUBLIC KEY` block of a PEM text.
    static func parse(_ text: String) throws -> [SigningPublicKey] {
        let end = "-----END PUBLIC KEY-----"
        var keys: [SigningPublicKey] = []
        for block in text.components(separatedBy: end) where block.contains("-----BEGIN PUBLIC KEY-----") {
            keys.append(try SigningPublicKey(pem: block + end + "\n"))
        }
        guard !keys.isEmpty else { throw CryptoError(.invalidKey, "no public key in the key file") }
        return keys
    }
}

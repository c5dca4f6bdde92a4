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
/// (a key rotation) — at most once per `minimumRefetchInterval` after the last fetch ended, so
/// tokens with made-up key ids cannot make a service hammer its source.
///
/// One fetch at a time (single flight): a caller that arrives while a fetch runs waits for it
/// and then looks its key up, so the calls racing the first load after start-up all succeed.
/// Until a fetch has succeeded once, a failed one is retried at most once per
/// `unavailableRetryInterval`, and callers in between are told the keys are unavailable
/// (retryable), never that their token is invalid.
package final class VerificationKeySet: Sendable {
    private struct State {
        var keys: [String: SigningPublicKey] = [:]
        /// Set by the first successful fetch: until then no key is known.
        var freshUntil: ContinuousClock.Instant?
        /// When the last fetch ended (successfully or not).
        var lastCompleted: ContinuousClock.Instant?
        /// The fetch running now, which every caller shares.
        var fetch: Task<Void, any Error>?
    }

    /// What a lookup does, decided under the lock.
    private enum Lookup {
        case found(SigningPublicKey, refreshInBackground: Bool)
        case wait(Task<Void, any Error>)
        case refuse(TokenError)
    }

    private let source: any VerificationKeySource
    private let minimumRefetchInterval: Duration
    private let unavailableRetryInterval: Duration
    private let state = Mutex(State())

    /// A cache over `source`. Failed fetches before the first success are retried at most once
    /// per `unavailableRetryInterval` (at most `minimumRefetchInterval`).
    package init(
        source: any VerificationKeySource, minimumRefetchInterval: Duration = .seconds(30),
        unavailableRetryInterval: Duration = .seconds(1)
    ) {
        self.source = source
        self.minimumRefetchInterval = minimumRefetchInterval
        self.unavailableRetryInterval = min(unavailableRetryInterval, minimumRefetchInterval)
    }

    /// A fixed set of keys (the auth service verifying its own tokens; tests).
    package convenience init(keys: [SigningPublicKey]) {
        self.init(source: StaticVerificationKeySource(keys: keys))
    }

    /// The key with id `id`.
    package func key(id: String) async throws(TokenError) -> SigningPublicKey {
        switch lookup(id, now: .now) {
        case .found(let key, let refreshInBackground):
            // A known key from a stale set is used while a new set is fetched (and if that fails).
            if refreshInBackground { _ = startOrJoinFetch() }
            return key
        case .refuse(let error):
            throw error
        case .wait(let fetch):
            let outcome = await fetch.result
            let (key, everFetched) = state.withLock { ($0.keys[id], $0.freshUntil != nil) }
            if let key { return key }
            if case .failure = outcome, !everFetched {
                throw TokenError(.keysUnavailable, "token verification keys are not available yet")
            }
            throw TokenError(.unknownKey, "token key id is not known")
        }
    }

    /// Fetches the keys now, ignoring the rate limit (sharing a fetch already running).
    package func refresh() async throws {
        try await startOrJoinFetch().value
    }

    private func lookup(_ id: String, now: ContinuousClock.Instant) -> Lookup {
        state.withLock { state in
            let everFetched = state.freshUntil != nil
            let interval = everFetched ? minimumRefetchInterval : unavailableRetryInterval
            let mayFetch = state.lastCompleted.map { now - $0 >= interval } ?? true
            if let cached = state.keys[id] {
                let stale = state.freshUntil.map { now >= $0 } ?? true
                return .found(cached, refreshInBackground: stale && mayFetch && state.fetch == nil)
            }
            if let running = state.fetch { return .wait(running) }
            guard mayFetch else {
                return .refuse(
                    everFetched
                        ? TokenError(.unknownKey, "token key id is not known")
                        : TokenError(.keysUnavailable, "token verification keys are not available yet"))
            }
            return .wait(Self.startFetch(&state, owner: self))
        }
    }

    private func startOrJoinFetch() -> Task<Void, any Error> {
        state.withLock { state in state.fetch ?? Self.startFetch(&state, owner: self) }
    }

    /// Starts the one fetch (under the lock); it records its outcome before it completes, so a
    /// caller woken by it sees the new keys.
    private static func startFetch(_ state: inout State, owner: VerificationKeySet) -> Task<Void, any Error> {
        let source = owner.source
        let task = Task {
            let result: Result<VerificationKeys, any Error>
            do {
                result = .success(try await source.fetchKeys())
            } catch {
                result = .failure(error)
            }
            owner.state.withLock { state in
                state.fetch = nil
                state.lastCompleted = .now
                if case .success(let fetched) = result {
                    state.keys = Dictionary(fetched.keys.map { ($0.keyID, $0) }, uniquingKeysWith: { first, _ in first })
                    state.freshUntil = .now + fetched.maxAge
                }
            }
            _ = try result.get()
        }
        state.fetch = task
        return task
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

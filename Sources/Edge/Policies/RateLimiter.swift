import Synchronization

/// Token buckets per client address: `burst` requests at once, then one more per `interval`.
/// A struct without a clock, so tests drive it with instants of their own.
struct RateLimiterState: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let burst: Int
    let interval: Duration
    /// Addresses tracked at most; beyond it, full buckets are forgotten first (bounded memory
    /// under a flood of addresses).
    let maxClients: Int
    private var buckets: [String: Bucket] = [:]

    init(burst: Int, interval: Duration, maxClients: Int = 10_000) {
        self.burst = max(1, burst)
        self.interval = interval
        self.maxClients = max(1, maxClients)
    }

    /// Takes a token for `client` at `now`: nil when allowed, else how long until one is free.
    mutating func acquire(_ client: String, now: ContinuousClock.Instant) -> Duration? {
        var bucket = buckets[client].map { refilled($0, now: now) } ?? Bucket(tokens: Double(burst), updated: now)
        guard bucket.tokens >= 1 else {
            buckets[client] = bucket
            return interval * (1 - bucket.tokens)
        }
        bucket.tokens -= 1
        if buckets[client] == nil, buckets.count >= maxClients { evict(now: now) }
        buckets[client] = bucket
        return nil
    }

    var trackedClients: Int { buckets.count }

    private func refilled(_ bucket: Bucket, now: ContinuousClock.Instant) -> Bucket {
        let elapsed = (now - bucket.updated) / interval
        return Bucket(tokens: min(Double(burst), bucket.tokens + max(0, elapsed)), updated: now)
    }

    private mutating func evict(now: ContinuousClock.Instant) {
        buckets = buckets.filter { refilled($0.value, now: now).tokens < Double(burst) }
        if buckets.count >= maxClients, let any = buckets.keys.first { buckets[any] = nil }
    }
}

/// The login rate limit shared by every connection.
final class RateLimiter: Sendable {
    private let state: Mutex<RateLimiterState>

    init(_ state: RateLimiterState) {
        self.state = Mutex(state)
    }

    /// Nil when `client` may go on, else `resource_exhausted` with `Retry-After` in whole seconds.
    func check(_ client: String) -> EdgeError? {
        let now = ContinuousClock.now
        guard let wait = state.withLock({ $0.acquire(client, now: now) }) else { return nil }
        let seconds = max(1, Int((Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18).rounded(.up)))
        return EdgeError(
            .resourceExhausted, "too many attempts from this address; retry in \(seconds) s",
            headers: [("Retry-After", String(seconds))])
    }
}

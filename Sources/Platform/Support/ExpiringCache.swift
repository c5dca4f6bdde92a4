/// Answers fetched from another service, kept for `lifetime`, so a burst of calls that need the
/// same thing (a clinic's time zone and policy, a catalog) costs one remote call. A fetch that
/// finds nothing (nil) is not kept: the thing may be created a moment later. A lifetime of zero
/// keeps nothing (tests that change the source between calls).
package actor ExpiringCache<Key: Hashable & Sendable, Value: Sendable> {
    private let lifetime: Duration
    private let capacity: Int
    private var entries: [Key: (value: Value, until: ContinuousClock.Instant)] = [:]

    /// A cache keeping answers for `lifetime`, at most `capacity` of them (expired ones are
    /// dropped first when it is full).
    package init(lifetime: Duration, capacity: Int = 1024) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
    }

    /// The kept answer for `key`, or else `fetch`'s (kept when it is not nil).
    package func value(for key: Key, fetch: @Sendable () async throws -> Value?) async throws -> Value? {
        let now = ContinuousClock.now
        if let entry = entries[key], now < entry.until { return entry.value }
        let fetched = try await fetch()
        guard lifetime > .zero, let fetched else { return fetched }
        let stored = ContinuousClock.now
        if entries.count >= capacity {
            entries = entries.filter { stored < $0.value.until }
            if entries.count >= capacity, let oldest = entries.min(by: { $0.value.until < $1.value.until }) {
                entries[oldest.key] = nil
            }
        }
        entries[key] = (fetched, stored + lifetime)
        return fetched
    }
}

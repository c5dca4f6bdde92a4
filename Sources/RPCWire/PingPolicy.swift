/// Enforces the peer's side of keepalive: PINGs no more often than this side's
/// `WireLimits.minPingInterval`, with a little slack (docs/PROTOCOL.md, "Keepalive").
///
/// A PING that arrives sooner than the interval after the previous one is a strike; a PING on time
/// clears the strikes; the third strike in a row throws `tooManyPings`. The caller passes the
/// arrival instant, so the policy is tested with made-up instants rather than by sleeping.
package struct PingPolicy: Sendable {
    /// The shortest interval allowed between two PINGs.
    package let minInterval: Duration
    /// Early PINGs tolerated in a row.
    package let allowedStrikes: Int
    private var lastPing: ContinuousClock.Instant?
    private var strikes = 0

    /// Creates the policy for the interval this side announced.
    package init(minInterval: Duration, allowedStrikes: Int = 2) {
        self.minInterval = minInterval
        self.allowedStrikes = allowedStrikes
    }

    /// Records a PING received at `instant`; throws `tooManyPings` when the peer pings too often.
    package mutating func pingReceived(at instant: ContinuousClock.Instant) throws(WireError) {
        defer { lastPing = instant }
        guard let lastPing, minInterval > .zero else { return }
        if lastPing.duration(to: instant) >= minInterval {
            strikes = 0
            return
        }
        strikes += 1
        if strikes > allowedStrikes {
            throw WireError(
                .tooManyPings, "\(strikes) PINGs in a row sooner than \(minInterval) apart")
        }
    }
}

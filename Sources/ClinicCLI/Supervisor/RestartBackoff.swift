/// How long `clinic up` waits before restarting a crashed process: doubling from `initial` up
/// to `maximum` while it keeps crashing, back to `initial` once it ran for `stableAfter`.
struct RestartBackoff: Sendable {
    var initial: Duration = .milliseconds(500)
    var maximum: Duration = .seconds(30)
    var stableAfter: Duration = .seconds(60)
    /// Crashes in a row without a stable run.
    private(set) var crashes = 0

    /// Records a crash after a run of `ranFor`; returns the delay before the next start.
    mutating func crashed(afterRunning ranFor: Duration) -> Duration {
        crashes = ranFor >= stableAfter ? 1 : crashes + 1
        var delay = initial
        for _ in 1..<crashes {
            delay = min(delay * 2, maximum)
        }
        return delay
    }
}

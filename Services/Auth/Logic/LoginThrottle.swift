import Foundation

/// Consecutive failed logins of an account and the lock they caused.
struct LoginThrottle: Sendable, Hashable {
    /// Failed attempts since the last successful login.
    var failures = 0
    /// When the current lock ends; nil when not locked.
    var lockedUntil: Date?

    init(failures: Int = 0, lockedUntil: Date? = nil) {
        self.failures = failures
        self.lockedUntil = lockedUntil
    }

    /// Whether the account is locked at `now`.
    func isLocked(at now: Date) -> Bool { lockedUntil.map { now < $0 } ?? false }
}

/// Exponential lockout after repeated failed logins: from the `threshold`-th consecutive failure
/// on, the account locks for `baseLock`, doubling with each further failure up to `maxLock`.
/// While locked, attempts are refused without being counted (a correct password then learns of
/// the lock; a wrong one gets the same answer as any wrong password).
struct LockoutPolicy: Sendable, Hashable {
    var threshold = 5
    var baseLock: Duration = .seconds(60)
    var maxLock: Duration = .seconds(3600)

    /// What one login attempt leads to.
    enum Outcome: Sendable, Hashable {
        /// Correct password, not locked: the throttle resets.
        case accepted
        /// Wrong password: store `throttle` (which may now be locked).
        case rejected(LoginThrottle)
        /// Locked until the date; `passwordMatched` says whether the answer may reveal it.
        case locked(until: Date, passwordMatched: Bool)
    }

    /// The outcome of an attempt on an account in `throttle` state.
    func attempt(_ throttle: LoginThrottle, passwordMatches: Bool, now: Date) -> Outcome {
        if let until = throttle.lockedUntil, now < until {
            return .locked(until: until, passwordMatched: passwordMatches)
        }
        guard !passwordMatches else { return .accepted }
        var next = throttle
        next.failures += 1
        next.lockedUntil = nil
        if next.failures >= threshold {
            next.lockedUntil = now.addingTimeInterval(lockDuration(failures: next.failures))
        }
        return .rejected(next)
    }

    /// Seconds of lock after `failures` consecutive failures (at least `threshold`).
    func lockDuration(failures: Int) -> TimeInterval {
        let doublings = min(max(0, failures - threshold), 30)
        let base = Double(baseLock.components.seconds)
        return min(base * pow(2, Double(doublings)), Double(maxLock.components.seconds))
    }
}

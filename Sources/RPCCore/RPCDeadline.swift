/// The deadline of the call a task is handling.
///
/// `RPCServer` binds it around each handler, and `RPCClient` bounds every call by it, so a call
/// made while handling another inherits the earlier deadline without passing it by hand — and
/// since the handler's task is cancelled when its deadline passes, so is the nested call.
public enum RPCDeadline {
    /// When the enclosing call expires; `nil` outside a handler or for a call without deadline.
    @TaskLocal public static var current: ContinuousClock.Instant?

    /// The earlier of two optional deadlines.
    static func earliest(_ lhs: ContinuousClock.Instant?, _ rhs: ContinuousClock.Instant?) -> ContinuousClock.Instant? {
        switch (lhs, rhs) {
        case (let lhs?, let rhs?): min(lhs, rhs)
        case (let lhs?, nil): lhs
        case (nil, let rhs): rhs
        }
    }
}

/// How a race between an operation and its deadline ended.
enum DeadlineRace<Value: Sendable>: Sendable {
    case completed(Value)
    /// The deadline passed first; the operation was cancelled and has finished.
    case expired
}

/// Runs `operation` in a child task; if `deadline` passes first, cancels it, waits for it to
/// finish and reports `.expired`. Cancelling the calling task cancels the operation, which
/// completes normally (it decides how to report cancellation).
func race<Value: Sendable>(
    deadline: ContinuousClock.Instant, _ operation: @escaping @Sendable () async -> Value
) async -> DeadlineRace<Value> {
    await withTaskGroup(of: DeadlineRace<Value>?.self) { group in
        group.addTask { .completed(await operation()) }
        group.addTask {
            do {
                try await Task.sleep(until: deadline, tolerance: nil, clock: .continuous)
                return .expired
            } catch {
                // Cancelled: the operation finished first, or the caller was cancelled.
                return nil
            }
        }
        while let next = await group.next() {
            if let outcome = next {
                group.cancelAll()
                return outcome
            }
        }
        // Unreachable: the operation's child always reports.
        return .expired
    }
}

import Synchronization

/// A value that is set once and awaited by any number of tasks (cancellation-aware).
final class OneShotSignal<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [UInt64: CheckedContinuation<Value, any Error>] = [:]
        var cancelledBeforeWaiting: Set<UInt64> = []
        var lastID: UInt64 = 0
    }

    private let state = Mutex(State())

    init() {}

    /// Sets the value and wakes every waiter; later calls are ignored. Returns whether it was set.
    @discardableResult
    func fire(_ value: Value) -> Bool {
        let waiters: [CheckedContinuation<Value, any Error>]? = state.withLock { state in
            guard state.value == nil else { return nil }
            state.value = value
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: value) }
        return true
    }

    /// The value, once set.
    var value: Value? { state.withLock { $0.value } }

    /// Waits for the value; throws `CancellationError` if the task is cancelled first.
    func wait() async throws -> Value {
        if let value = self.value { return value }
        let id = state.withLock { state in
            state.lastID += 1
            return state.lastID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let outcome: Result<Value, any Error>? = state.withLock { state in
                    if state.cancelledBeforeWaiting.remove(id) != nil { return .failure(CancellationError()) }
                    if let value = state.value { return .success(value) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    // Not waiting yet (once the value is set, the waiter sees it and never waits).
                    if state.value == nil { state.cancelledBeforeWaiting.insert(id) }
                    return nil as CheckedContinuation<Value, any Error>?
                }
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

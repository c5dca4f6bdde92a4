@testable import Storage
import Testing

@Suite("Connection lease state machine")
struct LeaseQueueTests {
    // Resources, waiters and closers are plain values here: the machine never looks inside them.
    typealias Queue = LeaseQueue<String, String, String>

    private func granted(_ action: Queue.AcquireAction) -> LeaseGrant<String>? {
        if case .grant(let grant) = action { return grant }
        return nil
    }

    @Test func createsUpToCapacityThenQueuesInOrder() {
        var queue = Queue(capacity: 2)
        guard case .create? = granted(queue.acquire(id: 1, waiter: "w1")) else { Issue.record("expected create"); return }
        guard case .create? = granted(queue.acquire(id: 2, waiter: "w2")) else { Issue.record("expected create"); return }
        guard case .wait = queue.acquire(id: 3, waiter: "w3") else { Issue.record("expected wait"); return }
        guard case .wait = queue.acquire(id: 4, waiter: "w4") else { Issue.record("expected wait"); return }
        #expect(queue.existingCount == 2 && queue.waitingCount == 2)
        guard case .resume("w3", .resource("c1")) = queue.release("c1") else { Issue.record("w3 first"); return }
        guard case .resume("w4", .resource("c2")) = queue.release("c2") else { Issue.record("then w4"); return }
        guard case .none = queue.release("c1") else { Issue.record("nobody waits"); return }
        guard case .resource("c1")? = granted(queue.acquire(id: 5, waiter: "w5")) else { Issue.record("idle reuse"); return }
    }

    @Test func initialResourcesAreIdle() {
        var queue = Queue(capacity: 1, initial: ["writer"])
        guard case .resource("writer")? = granted(queue.acquire(id: 1, waiter: "w1")) else { Issue.record("initial"); return }
        guard case .wait = queue.acquire(id: 2, waiter: "w2") else { Issue.record("one writer only"); return }
    }

    @Test func discardPassesTheSlotToAWaiter() {
        var queue = Queue(capacity: 1)
        _ = queue.acquire(id: 1, waiter: "w1")
        _ = queue.acquire(id: 2, waiter: "w2")
        // The first caller's open failed: the waiter must get to try, not wait forever.
        guard case .resume("w2", .create) = queue.discard() else { Issue.record("w2 creates"); return }
        #expect(queue.existingCount == 1)
        guard case .none = queue.discard() else { Issue.record("no one left"); return }
        #expect(queue.existingCount == 0)
    }

    @Test func cancelledWaiterIsWithdrawn() {
        var queue = Queue(capacity: 1, initial: ["c"])
        _ = queue.acquire(id: 1, waiter: "w1")
        _ = queue.acquire(id: 2, waiter: "w2")
        _ = queue.acquire(id: 3, waiter: "w3")
        #expect(queue.cancel(id: 2) == "w2")
        #expect(queue.cancel(id: 2) == nil)
        guard case .resume("w3", _) = queue.release("c") else { Issue.record("w3 next"); return }
    }

    @Test func closeWaitsForLeasedResourcesAndFailsWaiters() {
        var queue = Queue(capacity: 2, initial: ["a", "b"])
        _ = queue.acquire(id: 1, waiter: "w1")  // takes b
        _ = queue.acquire(id: 2, waiter: "w2")  // takes a
        _ = queue.acquire(id: 3, waiter: "w3")  // waits
        guard case .close(let failed, let idle, let done) = queue.close(closer: "closer") else {
            Issue.record("expected close"); return
        }
        #expect(failed == ["w3"] && idle.isEmpty && !done)
        guard case .alreadyClosing = queue.close(closer: "again") else { Issue.record("second close"); return }
        guard case .fail(let error) = queue.acquire(id: 4, waiter: "w4") else { Issue.record("closed"); return }
        #expect(error.code == .closed)
        guard case .none = queue.release("b") else { Issue.record("a still out"); return }
        guard case .finishClose("closer", let all) = queue.release("a") else { Issue.record("drained"); return }
        #expect(Set(all) == ["a", "b"])
    }

    @Test func closeWhenIdleIsImmediate() {
        var queue = Queue(capacity: 3, initial: ["a"])
        guard case .close(let failed, let idle, true) = queue.close(closer: nil) else { Issue.record("done"); return }
        #expect(failed.isEmpty && idle == ["a"])
    }
}

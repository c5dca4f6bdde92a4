internal import NIOCore

/// The deadlines of one connection's calls: a min-heap of (deadline, stream id), so that the
/// connection needs ONE event-loop timer, set for the earliest deadline, instead of a timer (or a
/// task racing a sleep) per call.
///
/// Entries are removed lazily: a call that ends leaves its entry behind, and `expired(at:isOpen:)`
/// skips ids that are no longer open. So the heap cannot grow without bound when calls end long
/// before their deadlines, it is rebuilt from the open calls once it holds more than twice as
/// many entries as there are open calls (amortised O(1) per call).
struct DeadlineQueue {
    struct Entry {
        var deadline: NIODeadline
        var id: UInt32
    }

    private var heap: [Entry] = []

    /// The earliest deadline queued (possibly of a call that has ended).
    var earliest: NIODeadline? { heap.first?.deadline }

    var count: Int { heap.count }

    /// Queues `id`'s deadline.
    mutating func insert(_ deadline: NIODeadline, id: UInt32) {
        heap.append(Entry(deadline: deadline, id: id))
        siftUp(heap.count - 1)
    }

    /// Removes and returns the ids whose deadline is at or before `now` and that are still open.
    mutating func expired(at now: NIODeadline, isOpen: (UInt32) -> Bool) -> [UInt32] {
        var ids: [UInt32] = []
        while let first = heap.first, first.deadline <= now {
            removeFirst()
            if isOpen(first.id) { ids.append(first.id) }
        }
        return ids
    }

    /// Rebuilds the heap from the open calls' deadlines when ended calls make up most of it.
    mutating func compactIfSparse(openCount: Int, open: () -> [Entry]) {
        guard heap.count > 2 * openCount + 32 else { return }
        heap = open()
        guard heap.count > 1 else { return }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    mutating func removeAll() { heap.removeAll() }

    private mutating func removeFirst() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count, heap[left + 1].deadline < heap[left].deadline { smallest = left + 1 }
            guard heap[smallest].deadline < heap[parent].deadline else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}

/// The one timer a connection handler keeps for its `DeadlineQueue`: armed for the earliest
/// deadline, moved only when an earlier one arrives (calls with equal timeouts never move it).
struct DeadlineTimer {
    private var scheduled: Scheduled<Void>?
    private var firesAt: NIODeadline?

    /// Arms the timer for `deadline` unless it already fires at or before then.
    mutating func arm(for deadline: NIODeadline, on loop: any EventLoop, _ fire: @escaping () -> Void) {
        if let firesAt, firesAt <= deadline { return }
        scheduled?.cancel()
        firesAt = deadline
        scheduled = loop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: deadline, fire)
    }

    /// The timer fired: it is no longer armed.
    mutating func fired() {
        scheduled = nil
        firesAt = nil
    }

    mutating func cancel() {
        scheduled?.cancel()
        fired()
    }
}

extension NIODeadline {
    /// The NIO deadline for a `ContinuousClock` instant (by the time left, as the clocks differ).
    static func at(_ instant: ContinuousClock.Instant) -> NIODeadline {
        let left = ContinuousClock.now.duration(to: instant)
        guard left > .zero else { return .now() }
        return .now() + TimeAmount(left)
    }
}

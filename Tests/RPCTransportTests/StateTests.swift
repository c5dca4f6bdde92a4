import RPCCore
@testable import RPCTransport
import Synchronization
import Testing

/// The small state machines of the transport, without I/O.
@Suite("Transport state")
struct StateTests {
    @Test func keepalivePingsOnlyAfterASilentInterval() {
        var keepalive = KeepaliveState()
        keepalive.frameRead()
        let first = keepalive.intervalElapsed()
        #expect(first == .none)
        guard case .sendPing = keepalive.intervalElapsed() else {
            Issue.record("a silent interval did not ping")
            return
        }
        // A PING is outstanding: no second one.
        let again = keepalive.intervalElapsed()
        #expect(again == .none)
        let dead = keepalive.timeoutElapsed()
        #expect(dead)
    }

    @Test func anyFrameAfterThePingProvesThePeerAlive() {
        var keepalive = KeepaliveState()
        _ = keepalive.intervalElapsed()
        keepalive.frameRead()
        let dead = keepalive.timeoutElapsed()
        #expect(!dead)
    }

    @Test func inboxHandsElementsOverInOrderAndReportsConsumption() async throws {
        let reported = Mutex<[Int]>([])
        let inbox = StreamInbox<Int>(batch: 2, countsAsMessage: { _ in true }) { count in reported.withLock { $0.append(count) } }
        for value in 1...5 { inbox.deliver(value) }
        inbox.finish()
        var received: [Int] = []
        while let value = try await inbox.next() { received.append(value) }
        #expect(received == [1, 2, 3, 4, 5])
        // Credit goes back in batches while the stream is open; none after its end.
        #expect(reported.withLock { $0 }.allSatisfy { $0 == 2 })
    }

    @Test func inboxFailureDropsBufferedElements() async throws {
        let inbox = StreamInbox<Int>(batch: 1, countsAsMessage: { _ in true }) { _ in }
        inbox.deliver(1)
        inbox.fail(RPCError(code: .unavailable, message: "gone"))
        await #expect(throws: RPCError.self) { _ = try await inbox.next() }
    }

    @Test func inboxReaderIsWokenByCancellation() async throws {
        let inbox = StreamInbox<Int>(batch: 1, countsAsMessage: { _ in true }) { _ in }
        let reader = Task { try await inbox.next() }
        reader.cancel()
        await #expect(throws: CancellationError.self) { _ = try await reader.value }
    }

    @Test func backoffGrowsToItsMaximum() {
        let backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2, jitter: 0)
        #expect(backoff.delay(afterFailures: 1) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 2) == .milliseconds(200))
        #expect(backoff.delay(afterFailures: 3) == .milliseconds(400))
        #expect(backoff.delay(afterFailures: 30) == .seconds(1))
    }

    @Test func poolWaitsForTheFirstListAndFailsWithoutEndpoints() {
        var pool = ConnectionPoolState()
        guard case (.wait, []) = pool.pick() else {
            Issue.record("a pool with no list yet should wait")
            return
        }
        _ = pool.update([])
        guard case (.fail(let error), _) = pool.pick() else {
            Issue.record("a pool with no endpoint should fail")
            return
        }
        #expect(error.code == .unavailable)
    }

    @Test func poolConnectsNewEndpointsAndBacksOffFailedOnes() {
        var pool = ConnectionPoolState()
        let a = Endpoint(host: "127.0.0.1", port: 1)
        let b = Endpoint(host: "127.0.0.1", port: 2)
        let (attempts, _, _) = pool.update([a, b, a])
        #expect(attempts.map(\.endpoint) == [a, b])
        // While attempts are under way, callers wait.
        guard case (.wait, []) = pool.pick() else {
            Issue.record("callers should wait while connecting")
            return
        }
        let error = RPCError(code: .unavailable, message: "refused")
        let first = pool.failed(attempts[0], error)
        #expect(first.retryAfter == 1)
        #expect(first.fail.isEmpty)  // b is still connecting
        let second = pool.failed(attempts[1], error)
        #expect(second.retryAfter == 1)
        // Nothing ready and nothing connecting: fail fast (idempotent calls retry).
        guard case (.fail, []) = pool.pick() else {
            Issue.record("a pool with every endpoint backing off should fail")
            return
        }
        // After the backoff, a new attempt with a new generation; the old one is stale.
        let retry = pool.backoffElapsed(attempts[0])
        #expect(retry?.endpoint == a)
        #expect(retry?.generation != attempts[0].generation)
        #expect(pool.backoffElapsed(attempts[0]) == nil)
        // An endpoint that leaves the list is forgotten.
        _ = pool.update([b])
        #expect(pool.order == [b])
    }
}

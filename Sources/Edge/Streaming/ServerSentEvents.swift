import NIOCore
import Synchronization

/// The text of server-sent events: one JSON message per `data:` event, an `error` event with
/// the error body when the call fails, an `end` event when it completes, comments as heartbeats.
enum ServerSentEvents {
    static let headers: [(String, String)] = [
        ("Content-Type", "text/event-stream; charset=utf-8"),
        ("Cache-Control", "no-store"),
        // Proxies (nginx) must not buffer the stream.
        ("X-Accel-Buffering", "no"),
    ]

    /// `data: <json>` (the mapping writes JSON on one line, so one data line suffices).
    static func message(_ json: [UInt8]) -> [UInt8] {
        Array("data: ".utf8) + json + [0x0A, 0x0A]
    }

    /// The final event of a failed call.
    static func error(_ body: [UInt8]) -> [UInt8] {
        Array("event: error\ndata: ".utf8) + body + [0x0A, 0x0A]
    }

    /// The final event of a call that completed.
    static let end = Array("event: end\ndata: {}\n\n".utf8)

    /// A comment line: keeps proxies from timing out idle streams and finds dead clients.
    static let heartbeat = Array(": keep-alive\n\n".utf8)
}

/// Waits until a channel closes (the client went away), or until the waiting task is cancelled.
enum ChannelClosure {
    static func wait(for future: EventLoopFuture<Void>) async {
        let gate = ResumeOnce()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                gate.set(continuation)
                future.whenComplete { _ in gate.resume() }
            }
        } onCancel: {
            gate.resume()
        }
    }

    /// Resumes a continuation exactly once, whichever of close and cancel comes first.
    private final class ResumeOnce: Sendable {
        private let state = Mutex<(continuation: CheckedContinuation<Void, Never>?, done: Bool)>((nil, false))

        func set(_ continuation: CheckedContinuation<Void, Never>) {
            let resumeNow = state.withLock { state in
                if state.done { return true }
                state.continuation = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }

        func resume() {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.done = true
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.resume()
        }
    }
}

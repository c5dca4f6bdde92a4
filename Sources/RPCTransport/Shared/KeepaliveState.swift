/// Dead-peer detection for one connection, without timers of its own (docs/PROTOCOL.md 7.1).
///
/// The handler calls `frameRead()` for every complete frame, `intervalElapsed()` from a repeating
/// timer, and `timeoutElapsed()` from a one-shot timer it starts when told to send a PING.
/// Counting complete frames rather than bytes means a peer stuck in the middle of a frame, or
/// trickling bytes, looks exactly like a silent one.
struct KeepaliveState {
    /// What to do when the interval timer fires.
    enum Tick: Equatable {
        case none
        /// Send a PING with this data and start the timeout timer.
        case sendPing(UInt64)
    }

    private var framesRead: UInt64 = 0
    private var framesAtLastTick: UInt64 = 0
    private var outstanding: (data: UInt64, framesAtPing: UInt64)?
    private var nextData: UInt64 = 1

    init() {}

    /// A complete frame arrived.
    mutating func frameRead() {
        framesRead &+= 1
    }

    /// The keepalive interval passed: ping if nothing arrived since the last tick.
    mutating func intervalElapsed() -> Tick {
        if framesRead != framesAtLastTick {
            framesAtLastTick = framesRead
            return .none
        }
        guard outstanding == nil else { return .none }
        let data = nextData
        nextData &+= 1
        outstanding = (data, framesRead)
        return .sendPing(data)
    }

    /// The keepalive timeout after a PING passed; true when the peer is dead (nothing arrived).
    mutating func timeoutElapsed() -> Bool {
        guard let ping = outstanding else { return false }
        outstanding = nil
        return framesRead == ping.framesAtPing
    }
}

/// Flow control counts MESSAGE frames, per stream (docs/PROTOCOL.md, "Flow control").
///
/// The receiver starts each stream's sender with its SETTINGS `initialWindow` messages of credit;
/// each MESSAGE spends one; WINDOW_UPDATE adds more. Messages are never split across frames, so
/// one credit always lets one message of any allowed size through: no deadlock, no partial state.

/// The sending side's credit on one stream: how many more MESSAGE frames it may send.
package struct OutboundMessageCredit: Sendable, Hashable {
    /// Messages that may be sent before the next WINDOW_UPDATE.
    package private(set) var available: Int

    /// Starts with the peer's announced `initialWindow`.
    package init(initialWindow: Int) {
        self.available = initialWindow
    }

    /// True when a MESSAGE may be sent now.
    package var canSend: Bool { available > 0 }

    /// Spends one credit; returns false (and spends nothing) when none is left, in which case the
    /// caller holds the message until a WINDOW_UPDATE arrives.
    package mutating func spend() -> Bool {
        guard available > 0 else { return false }
        available -= 1
        return true
    }

    /// Adds a WINDOW_UPDATE's increment; credit above 2^31-1 is a flow-control violation.
    package mutating func grant(_ increment: UInt32) throws(WireError) {
        let total = available + Int(increment)
        guard increment > 0, total <= Int(Int32.max) else {
            throw WireError(.flowControlViolation, "credit \(available) + \(increment) is outside 1...2^31-1")
        }
        available = total
    }
}

/// The receiving side's credit on one stream: how many MESSAGE frames the peer may still send,
/// and when to grant more.
///
/// Credit is returned when the application *consumes* a message, not when it arrives, so the
/// messages buffered for a slow consumer never exceed the window. It is returned in batches of
/// half the window, so a steady stream costs one 14-byte WINDOW_UPDATE per window/2 messages.
package struct InboundMessageCredit: Sendable, Hashable {
    /// The window this side announced (`initialWindow`).
    package let window: Int
    /// Credit the peer still holds.
    package private(set) var outstanding: Int
    /// Messages received and not yet consumed.
    package private(set) var buffered: Int = 0
    private var consumedSinceUpdate = 0

    /// Starts with the full window granted.
    package init(window: Int) {
        self.window = max(window, 1)
        self.outstanding = self.window
    }

    /// A MESSAGE arrived; throws `flowControlViolation` when the peer had no credit left.
    package mutating func received() throws(WireError) {
        guard outstanding > 0 else {
            throw WireError(.flowControlViolation, "MESSAGE sent without credit (window \(window))")
        }
        outstanding -= 1
        buffered += 1
    }

    /// The application took one message; returns the increment to send in a WINDOW_UPDATE when
    /// half the window has been consumed since the last one, otherwise nil.
    package mutating func consumed() -> UInt32? {
        guard buffered > 0 else { return nil }
        buffered -= 1
        consumedSinceUpdate += 1
        guard consumedSinceUpdate >= max(window / 2, 1) else { return nil }
        let increment = consumedSinceUpdate
        consumedSinceUpdate = 0
        outstanding += increment
        return UInt32(increment)
    }
}

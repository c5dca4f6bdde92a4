import Foundation
import WellKnownTypes

// The registry speaks google.protobuf.Timestamp and Duration; these convert at the edge of the
// handlers so the state machine works with Date and Duration only.

extension Google_Protobuf_Timestamp {
    /// The timestamp of `date`, to the nanosecond.
    init(_ date: Date) {
        self.init()
        let interval = date.timeIntervalSince1970
        var seconds = interval.rounded(.down)
        var nanos = ((interval - seconds) * 1e9).rounded()
        if nanos >= 1e9 {
            seconds += 1
            nanos -= 1e9
        }
        self.seconds = Int64(seconds)
        self.nanos = Int32(nanos)
    }
}

extension Google_Protobuf_Duration {
    /// The proto form of `duration`.
    init(_ duration: Duration) {
        self.init()
        let (seconds, attoseconds) = duration.components
        self.seconds = seconds
        self.nanos = Int32(attoseconds / 1_000_000_000)
    }

    /// The Swift form, or nil when seconds and nanos disagree in sign or nanos are out of range
    /// (the proto's rules for a valid Duration).
    var swiftDuration: Duration? {
        guard abs(nanos) < 1_000_000_000, seconds == 0 || nanos == 0 || (seconds > 0) == (nanos > 0) else { return nil }
        return .seconds(seconds) + .nanoseconds(Int64(nanos))
    }
}

extension Duration {
    /// The length in seconds, as a Double (for Date arithmetic).
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

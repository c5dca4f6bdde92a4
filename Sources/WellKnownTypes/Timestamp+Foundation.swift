public import Foundation

// The one conversion between the protobuf time types and Foundation's, for every service.
//
// Timestamps made from a `Date` carry millisecond precision, rounded to the nearest millisecond:
// that is what the platform stores (Storage keeps dates as INTEGER milliseconds, rounded the same
// way), so a value returned when a record is created equals the value read back later.

extension Google_Protobuf_Timestamp {
    /// The earliest valid seconds value: 0001-01-01T00:00:00Z.
    public static let minimumSeconds: Int64 = -62_135_596_800
    /// The latest valid seconds value: 9999-12-31T23:59:59Z.
    public static let maximumSeconds: Int64 = 253_402_300_799

    /// The timestamp of `date` to the nearest millisecond; a date outside 0001-01-01 to
    /// 9999-12-31 is clamped to that range, so the result is always a valid Timestamp.
    public init(date: Date) {
        self.init()
        let interval = date.timeIntervalSince1970
        let lowest = Double(Self.minimumSeconds) * 1000
        let highest = Double(Self.maximumSeconds) * 1000 + 999
        let scaled = (interval * 1000).rounded()
        // NaN compares false everywhere: it ends up at the lower bound.
        let milliseconds = Int64(scaled.isNaN ? lowest : min(max(scaled, lowest), highest))
        // Floor division keeps nanos in 0..<1e9 for instants before 1970.
        let (quotient, remainder) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        seconds = remainder < 0 ? quotient - 1 : quotient
        nanos = Int32(remainder < 0 ? remainder + 1000 : remainder) * 1_000_000
    }

    /// A timestamp of `seconds` since 1970 and `nanos`, as given (check `isValid` for values from
    /// outside).
    public init(seconds: Int64, nanos: Int32 = 0) {
        self.init()
        self.seconds = seconds
        self.nanos = nanos
    }

    /// Whether seconds and nanos are within the proto's range (0001-01-01 to 9999-12-31,
    /// nanos 0 to 999,999,999).
    public var isValid: Bool {
        (Self.minimumSeconds...Self.maximumSeconds).contains(seconds) && (0..<1_000_000_000).contains(nanos)
    }

    /// The instant (for an invalid timestamp, the instant its fields add up to).
    public var date: Date {
        Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(nanos) / 1_000_000_000)
    }

    /// The instant, or nil when the timestamp is not valid (see `isValid`).
    public var validDate: Date? { isValid ? date : nil }
}

extension Google_Protobuf_Duration {
    /// The largest valid magnitude of `seconds`: about 10,000 years.
    public static let maximumSeconds: Int64 = 315_576_000_000

    /// The duration of `duration` to the nanosecond (truncated toward zero), clamped to
    /// ±315,576,000,000 seconds so the result is always a valid Duration.
    public init(duration: Swift.Duration) {
        self.init()
        let (wholeSeconds, attoseconds) = duration.components
        // components gives attoseconds with the sign of the duration; nanos must share it.
        let clamped = min(max(wholeSeconds, -Self.maximumSeconds), Self.maximumSeconds)
        seconds = clamped
        nanos = clamped == wholeSeconds ? Int32(attoseconds / 1_000_000_000) : 0
    }

    /// A duration of `seconds` and `nanos`, as given (check `isValid` for values from outside).
    public init(seconds: Int64, nanos: Int32 = 0) {
        self.init()
        self.seconds = seconds
        self.nanos = nanos
    }

    /// Whether the fields follow the proto's rules: seconds within ±315,576,000,000, nanos within
    /// ±999,999,999 and of the same sign as seconds.
    public var isValid: Bool {
        abs(seconds) <= Self.maximumSeconds && abs(nanos) < 1_000_000_000
            && (seconds == 0 || nanos == 0 || (seconds > 0) == (nanos > 0))
    }

    /// The Swift duration, or nil when the fields are not valid (see `isValid`).
    public var duration: Swift.Duration? {
        guard isValid else { return nil }
        return .seconds(seconds) + .nanoseconds(Int64(nanos))
    }

    /// The length in seconds as a `TimeInterval` (for Date arithmetic), or nil when not valid.
    public var timeInterval: TimeInterval? {
        guard isValid else { return nil }
        return TimeInterval(seconds) + TimeInterval(nanos) / 1_000_000_000
    }
}

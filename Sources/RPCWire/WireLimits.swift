/// What one side of a connection accepts: the values it enforces on received frames and
/// announces to its peer in its SETTINGS frame.
///
/// Every limit is checked before memory is committed: the decoder compares a frame's declared
/// length with `maxFrameSize` (or `maxMetadataSize`) as soon as the 10-byte header is in, so a
/// 4 GiB length is refused without waiting for, or allocating, its payload.
package struct WireLimits: Sendable, Hashable {
    /// Largest payload of any frame, in bytes, header excluded (so one message of this size fits
    /// in one MESSAGE frame). Messages are never split, so this is also the largest message.
    package var maxFrameSize: Int
    /// Largest payload of CALL_START, INITIAL_METADATA, TRAILERS, SETTINGS and GOAWAY, in bytes:
    /// the bound on request metadata, response metadata and status with details.
    package var maxMetadataSize: Int
    /// Most calls the peer may have open on this connection at once.
    package var maxConcurrentStreams: Int
    /// MESSAGE frames the peer may send on a new stream before it needs a WINDOW_UPDATE.
    package var initialWindow: Int
    /// Shortest interval between PINGs this side accepts; more frequent PINGs may be answered
    /// with GOAWAY `tooManyPings`. Zero allows any rate.
    package var minPingInterval: Duration

    /// Creates limits; the defaults are those of a peer that sends an empty SETTINGS.
    package init(
        maxFrameSize: Int = 4 * 1024 * 1024,
        maxMetadataSize: Int = 16 * 1024,
        maxConcurrentStreams: Int = 1024,
        initialWindow: Int = 16,
        minPingInterval: Duration = .seconds(10)
    ) {
        self.maxFrameSize = maxFrameSize
        self.maxMetadataSize = maxMetadataSize
        self.maxConcurrentStreams = maxConcurrentStreams
        self.initialWindow = initialWindow
        self.minPingInterval = minPingInterval
    }

    /// 4 MiB frames, 16 KiB metadata, 1024 streams, 16 messages of credit, one PING per 10 s.
    package static let `default` = WireLimits()

    /// Allowed range of each value, shared by SETTINGS decoding and `validate()`.
    package static let maxFrameSizeRange = 16 * 1024...Int(Int32.max)
    /// Allowed range of `maxMetadataSize`.
    package static let maxMetadataSizeRange = 1024...Int(Int32.max)
    /// Allowed range of `maxConcurrentStreams` (0 refuses every call).
    package static let maxConcurrentStreamsRange = 0...Int(Int32.max)
    /// Allowed range of `initialWindow` (at least 1, so a unary request never waits for credit).
    package static let initialWindowRange = 1...Int(Int32.max)
    /// Allowed range of `minPingInterval`, in milliseconds.
    package static let minPingIntervalMillisecondsRange = 0...Int(Int32.max)

    /// `minPingInterval` in whole milliseconds, as SETTINGS carries it.
    package var minPingIntervalMilliseconds: Int {
        let (seconds, attoseconds) = minPingInterval.components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        if milliseconds.overflow || seconds < 0 { return seconds < 0 ? 0 : Int(Int32.max) }
        return Int(clamping: milliseconds.partialValue + attoseconds / 1_000_000_000_000_000)
    }

    /// Throws `invalidSetting` when a value is outside its range.
    package func validate() throws(WireError) {
        try Self.check(maxFrameSize, in: Self.maxFrameSizeRange, "MAX_FRAME_SIZE")
        try Self.check(maxMetadataSize, in: Self.maxMetadataSizeRange, "MAX_METADATA_SIZE")
        try Self.check(
            maxConcurrentStreams, in: Self.maxConcurrentStreamsRange, "MAX_CONCURRENT_STREAMS")
        try Self.check(initialWindow, in: Self.initialWindowRange, "INITIAL_WINDOW")
        if minPingInterval < .zero || minPingIntervalMilliseconds > Int(Int32.max) {
            throw WireError(.invalidSetting, "MIN_PING_INTERVAL_MS out of range")
        }
    }

    static func check(_ value: Int, in range: ClosedRange<Int>, _ name: String) throws(WireError) {
        guard range.contains(value) else {
            throw WireError(
                .invalidSetting,
                "\(name) = \(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
    }
}

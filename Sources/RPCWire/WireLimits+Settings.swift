package import NIOCore

/// SETTINGS payload: a list of (2-byte id, 4-byte value) pairs, big-endian. Ids a receiver does
/// not know are ignored (that is how later versions add settings); an absent id keeps its default;
/// a repeated id takes its last value.
extension WireLimits {
    /// The setting ids of version 1.
    package enum SettingID {
        /// `maxFrameSize`, bytes.
        package static let maxFrameSize: UInt16 = 0x0001
        /// `maxMetadataSize`, bytes.
        package static let maxMetadataSize: UInt16 = 0x0002
        /// `maxConcurrentStreams`.
        package static let maxConcurrentStreams: UInt16 = 0x0003
        /// `initialWindow`, messages.
        package static let initialWindow: UInt16 = 0x0004
        /// `minPingInterval`, milliseconds.
        package static let minPingIntervalMilliseconds: UInt16 = 0x0005
    }

    /// Size of one (id, value) pair.
    package static let settingSize = 6

    /// Writes all five settings in id order (a fixed 30 bytes, so the frame is deterministic).
    package func writeSettings(into buffer: inout ByteBuffer) {
        let pairs: [(UInt16, Int)] = [
            (SettingID.maxFrameSize, maxFrameSize),
            (SettingID.maxMetadataSize, maxMetadataSize),
            (SettingID.maxConcurrentStreams, maxConcurrentStreams),
            (SettingID.initialWindow, initialWindow),
            (SettingID.minPingIntervalMilliseconds, minPingIntervalMilliseconds),
        ]
        for (id, value) in pairs {
            buffer.writeInteger(id)
            // Clamped so an out-of-range local value cannot trap here; validate() reports it.
            buffer.writeInteger(UInt32(clamping: value))
        }
    }

    /// Reads a SETTINGS payload; throws `invalidFrameLength` or `invalidSetting`.
    package init(settingsPayload payload: ByteBuffer) throws(WireError) {
        guard payload.readableBytes % Self.settingSize == 0 else {
            throw WireError(
                .invalidFrameLength,
                "SETTINGS payload of \(payload.readableBytes) bytes is not a multiple of 6")
        }
        var payload = payload
        var limits = WireLimits()
        while let id = payload.readInteger(as: UInt16.self),
            let raw = payload.readInteger(as: UInt32.self)
        {
            let value = Int(raw)
            switch id {
            case SettingID.maxFrameSize:
                try Self.check(value, in: Self.maxFrameSizeRange, "MAX_FRAME_SIZE")
                limits.maxFrameSize = value
            case SettingID.maxMetadataSize:
                try Self.check(value, in: Self.maxMetadataSizeRange, "MAX_METADATA_SIZE")
                limits.maxMetadataSize = value
            case SettingID.maxConcurrentStreams:
                try Self.check(value, in: Self.maxConcurrentStreamsRange, "MAX_CONCURRENT_STREAMS")
                limits.maxConcurrentStreams = value
            case SettingID.initialWindow:
                try Self.check(value, in: Self.initialWindowRange, "INITIAL_WINDOW")
                limits.initialWindow = value
            case SettingID.minPingIntervalMilliseconds:
                try Self.check(
                    value, in: Self.minPingIntervalMillisecondsRange, "MIN_PING_INTERVAL_MS")
                limits.minPingInterval = .milliseconds(value)
            default:
                continue  // unknown ids are ignored so later versions can add settings
            }
        }
        self = limits
    }
}

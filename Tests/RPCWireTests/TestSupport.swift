import NIOCore

@testable import RPCWire

/// A deterministic random number generator (SplitMix64): the fuzz loops replay the same inputs on
/// every run, so a failure can be reproduced from its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}

/// Encodes frames back to back into one buffer.
func encode(_ frames: [Frame]) throws -> ByteBuffer {
    var buffer = ByteBuffer()
    for frame in frames { try buffer.writeFrame(frame) }
    return buffer
}

/// A payload of `count` bytes counting up from 0.
func payload(_ count: Int) -> ByteBuffer {
    ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0) })
}

/// A header with arbitrary fields (for frames the encoder would never produce).
func header(length: UInt32, type: UInt8, flags: UInt8 = 0, stream: UInt32) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeFrameHeader(
        FrameHeader(
            length: length, type: FrameType(rawValue: type), flags: FrameFlags(rawValue: flags),
            streamID: StreamID(stream)))
    return buffer
}

/// Every whole frame the codec can cut from what it has received so far.
func receivedFrames(_ codec: inout FrameCodec) throws(WireError) -> [Frame] {
    var frames: [Frame] = []
    while let frame = try codec.nextFrame() { frames.append(frame) }
    return frames
}

/// One example frame of every type, with a non-trivial payload where the type allows one.
let oneFramePerType: [Frame] = [
    .settings(WireLimits(maxFrameSize: 65_536, maxConcurrentStreams: 7, initialWindow: 3)),
    .callStart(streamID: 1, payload: payload(40)),
    .initialMetadata(streamID: 1, payload: payload(12)),
    .message(streamID: 1, payload: payload(300)),
    .message(streamID: 1, payload: payload(5), endStream: true),
    .endStream(streamID: 3),
    .trailers(streamID: 1, payload: payload(25)),
    .cancel(streamID: 5),
    .cancel(streamID: 7, reason: 4),
    .windowUpdate(streamID: 9, increment: 1000),
    .ping(42),
    .pong(42),
    .goAway(GoAway(lastStreamID: 11, code: .protocolError, debugMessage: "bye")),
]

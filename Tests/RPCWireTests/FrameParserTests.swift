import NIOCore
import Testing

@testable import RPCWire

/// The incremental cutter under `FrameCodec`: what a header is refused for on its own (before any
/// payload is read), what a short buffer leaves unconsumed, and how the end of input is judged.
@Suite struct FrameParserTests {
    @Test(arguments: [FrameType.callStart, .initialMetadata, .trailers, .goAway, .settings])
    func metadataFramesAreBoundByTheMetadataLimit(_ type: FrameType) throws {
        let limits = WireLimits(maxMetadataSize: 1024)
        let stream: UInt32 = type.isStreamFrame ? 1 : 0
        let error = #expect(throws: WireError.self) {
            var parser = FrameParser(limits: limits)
            var bytes = header(length: 1026, type: type.rawValue, stream: stream)
            _ = try parser.nextFrame(from: &bytes)
        }
        #expect(error?.code == .metadataTooLarge)
    }

    @Test(arguments: [
        (FrameType.ping, UInt32(0)), (.ping, 9), (.pong, 7), (.windowUpdate, 0), (.windowUpdate, 8),
        (.endStream, 1), (.cancel, 2), (.goAway, 7), (.settings, 5),
    ])
    func lengthsTheTypeForbidsAreRejected(_ type: FrameType, _ length: UInt32) throws {
        let stream: UInt32 = type.isStreamFrame ? 1 : 0
        var parser = FrameParser()
        var bytes = header(length: length, type: type.rawValue, stream: stream)
        let error = #expect(throws: WireError.self) { _ = try parser.nextFrame(from: &bytes) }
        #expect(error?.code == .invalidFrameLength)
    }

    @Test(arguments: [
        (FrameType.message, UInt32(0)), (.callStart, 0), (.windowUpdate, 0), (.ping, 1), (.goAway, 3),
        (.settings, 5), (.message, 0x8000_0001), (.ping, 0x8000_0000),
    ])
    func streamIDsThatDoNotFitTheTypeAreRejected(_ type: FrameType, _ stream: UInt32) throws {
        let length: UInt32 = type == .ping ? 8 : (type == .goAway ? 8 : (type == .windowUpdate ? 4 : 0))
        var parser = FrameParser()
        var bytes = header(length: length, type: type.rawValue, stream: stream)
        bytes.writeBytes(Array(repeating: 1, count: Int(length)))
        let error = #expect(throws: WireError.self) { _ = try parser.nextFrame(from: &bytes) }
        #expect(error?.code == .invalidStreamID)
    }

    @Test func unknownFlagsAreKeptAndIgnored() throws {
        var bytes = header(length: 0, type: FrameType.endStream.rawValue, flags: 0xF0, stream: 3)
        var parser = FrameParser()
        let frame = try #require(try parser.nextFrame(from: &bytes))
        #expect(frame.flags.rawValue == 0xF0)
        #expect(!frame.flags.contains(.endStream))
    }

    @Test func parserStaysFailedAfterAnError() throws {
        var parser = FrameParser()
        var bad = header(length: 0, type: 0xEE, stream: 0)
        #expect(throws: WireError.self) { _ = try parser.nextFrame(from: &bad) }
        var good = try encode([.ping(1)])
        let error = #expect(throws: WireError.self) { _ = try parser.nextFrame(from: &good) }
        #expect(error?.code == .unknownFrameType)
        // Already reported: the end of input does not report the broken stream a second time.
        #expect(throws: Never.self) { try parser.finish(leftover: good) }
    }

    @Test func partialHeaderConsumesNothing() throws {
        var parser = FrameParser()
        var bytes = try encode([.ping(9)])
        var first = bytes.readSlice(length: 9)!
        #expect(try parser.nextFrame(from: &first) == nil)
        #expect(first.readableBytes == 9)
        #expect(!parser.hasPartialFrame)
        first.writeImmutableBuffer(bytes)
        #expect(try parser.nextFrame(from: &first) == .ping(9))
    }

    /// Input that stops inside a header (4 bytes) or inside a payload (60 of 110 bytes).
    @Test(arguments: [4, 60])
    func truncatedFrameAtEndOfInputIsReported(_ received: Int) throws {
        var parser = FrameParser()
        var bytes = try encode([.message(streamID: 1, payload: payload(100))])
        bytes.moveWriterIndex(to: received)
        #expect(try parser.nextFrame(from: &bytes) == nil)
        let error = #expect(throws: WireError.self) { try parser.finish(leftover: bytes) }
        #expect(error?.code == .truncatedFrame)
    }

    @Test func cleanEndOfInputIsNotAnError() throws {
        var parser = FrameParser()
        var bytes = try encode([.ping(1)])
        #expect(try parser.nextFrame(from: &bytes) == .ping(1))
        #expect(throws: Never.self) { try parser.finish(leftover: bytes) }
    }
}

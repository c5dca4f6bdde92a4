import Testing

@testable import RPCWire

@Suite struct StreamIDValidatorTests {
    @Test func serverAcceptsIncreasingOddIDsWithGaps() throws {
        var validator = StreamIDValidator(role: .server, maxConcurrentStreams: 10)
        for id: StreamID in [1, 3, 9, 11] { try validator.peerOpened(id) }
        #expect(validator.openStreamCount == 4)
        #expect(validator.highestStreamID == 11)
        #expect(try validator.disposition(of: 9) == .open)
        // 5 and 7 were skipped: closed, so late frames for them are dropped.
        #expect(try validator.disposition(of: 5) == .closed)
    }

    @Test func reusedIDIsRejected() throws {
        var validator = StreamIDValidator(role: .server, maxConcurrentStreams: 10)
        try validator.peerOpened(1)
        try validator.peerOpened(3)
        #expect(throws: WireError.self) { try validator.peerOpened(1) }
        #expect(codeOf { try validator.peerOpened(1) } == .streamIDReused)
        validator.close(3)
        // Closed, but it was the last one opened: still a reuse.
        #expect(codeOf { try validator.peerOpened(3) } == .streamIDReused)
    }

    @Test func decreasingIDIsRejected() throws {
        var validator = StreamIDValidator(role: .server, maxConcurrentStreams: 10)
        try validator.peerOpened(7)
        #expect(codeOf { try validator.peerOpened(5) } == .streamIDOutOfOrder)
    }

    @Test(arguments: [StreamID(0), 2, 0x8000_0001, 0xFFFF_FFFF])
    func invalidIDsAreRejected(_ id: StreamID) throws {
        var validator = StreamIDValidator(role: .server, maxConcurrentStreams: 10)
        #expect(codeOf { try validator.peerOpened(id) } == .invalidStreamID)
    }

    @Test func concurrencyLimitCountsOpenStreamsOnly() throws {
        var validator = StreamIDValidator(role: .server, maxConcurrentStreams: 2)
        try validator.peerOpened(1)
        try validator.peerOpened(3)
        #expect(codeOf { try validator.peerOpened(5) } == .tooManyStreams)
        let closed = validator.close(1)
        let closedTwice = validator.close(1)
        #expect(closed && !closedTwice)
        try validator.peerOpened(7)
        #expect(validator.openStreamCount == 2)
    }

    @Test func zeroConcurrentStreamsRefusesEveryCall() throws {
        var validator = StreamIDValidator(role: .server, maxConcurrentStreams: 0)
        #expect(codeOf { try validator.peerOpened(1) } == .tooManyStreams)
    }

    @Test func framesForStreamsNeverOpenedAreErrors() throws {
        var validator = StreamIDValidator(role: .server, maxConcurrentStreams: 10)
        try validator.peerOpened(3)
        #expect(codeOf { _ = try validator.disposition(of: 5) } == .unknownStream)
        #expect(codeOf { _ = try validator.disposition(of: 2) } == .unknownStream)
        validator.close(3)
        #expect(try validator.disposition(of: 3) == .closed)
    }

    @Test func clientAllocatesOddIncreasingIDs() throws {
        var validator = StreamIDValidator(role: .client, maxConcurrentStreams: 3)
        #expect(try validator.openNext() == 1)
        #expect(try validator.openNext() == 3)
        #expect(try validator.openNext() == 5)
        #expect(codeOf { _ = try validator.openNext() } == .tooManyStreams)
        validator.close(3)
        #expect(try validator.openNext() == 7)
        #expect(codeOf { try validator.peerOpened(9) } == .unexpectedFrame)
    }

    @Test func clientRunsOutOfIDs() throws {
        var validator = StreamIDValidator(role: .client, maxConcurrentStreams: 10)
        validator.highestStreamID = StreamID(0x7FFF_FFFD)
        #expect(try validator.openNext() == .max)
        let error = #expect(throws: WireError.self) { _ = try validator.openNext() }
        #expect(error?.code == .streamIDsExhausted)
        #expect(error?.goAwayCode == .noError)
    }
}

/// The code of the `WireError` `body` throws, or nil when it does not throw. Any other error is a
/// test failure: every failure of the wire layer must be typed.
func codeOf(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> WireError.Code? {
    do {
        try body()
        return nil
    } catch let error as WireError {
        return error.code
    } catch {
        Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

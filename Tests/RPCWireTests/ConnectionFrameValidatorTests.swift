import NIOCore
import Testing

@testable import RPCWire

@Suite struct ConnectionFrameValidatorTests {
    static func server(_ limits: WireLimits = .default) throws -> ConnectionFrameValidator {
        var validator = ConnectionFrameValidator(role: .server, localLimits: limits)
        #expect(try validator.validate(.settings(.default)) == .deliver)
        return validator
    }

    static func client(peer: WireLimits = .default) throws -> ConnectionFrameValidator {
        var validator = ConnectionFrameValidator(role: .client)
        #expect(codeOf { _ = try validator.openStream() } == .settingsExpected)
        #expect(try validator.validate(.settings(peer)) == .deliver)
        return validator
    }

    @Test func settingsComeFirstAndOnce() throws {
        var validator = ConnectionFrameValidator(role: .server)
        #expect(codeOf { _ = try validator.validate(.ping(1)) } == .settingsExpected)
        var server = try Self.server()
        #expect(server.peerLimits == .default)
        #expect(codeOf { _ = try server.validate(.settings(.default)) } == .unexpectedFrame)
    }

    @Test func invalidSettingValueIsRejected() throws {
        var validator = ConnectionFrameValidator(role: .client)
        var payload = ByteBuffer()
        payload.writeInteger(WireLimits.SettingID.initialWindow)
        payload.writeInteger(UInt32(0))
        let frame = Frame(type: .settings, streamID: .connection, payload: payload)
        #expect(codeOf { _ = try validator.validate(frame) } == .invalidSetting)
    }

    @Test func clientTakesTheServersStreamLimit() throws {
        var client = try Self.client(peer: WireLimits(maxConcurrentStreams: 2))
        #expect(try client.openStream() == 1)
        #expect(try client.openStream() == 3)
        #expect(codeOf { _ = try client.openStream() } == .tooManyStreams)
        client.sent(.cancel(streamID: 1))
        #expect(try client.openStream() == 5)
    }

    @Test(arguments: [
        Frame.trailers(streamID: 1, payload: ByteBuffer()), .initialMetadata(streamID: 1, payload: ByteBuffer()),
    ])
    func serverRejectsServerOnlyFrames(_ frame: Frame) throws {
        var server = try Self.server()
        _ = try server.validate(.callStart(streamID: 1, payload: ByteBuffer()))
        #expect(codeOf { _ = try server.validate(frame) } == .unexpectedFrame)
    }

    @Test(arguments: [
        Frame.callStart(streamID: 1, payload: ByteBuffer()), .endStream(streamID: 1), .cancel(streamID: 1),
    ])
    func clientRejectsClientOnlyFrames(_ frame: Frame) throws {
        var client = try Self.client()
        _ = try client.openStream()
        #expect(codeOf { _ = try client.validate(frame) } == .unexpectedFrame)
    }

    @Test func serverFollowsAClientStreamingCall() throws {
        var server = try Self.server()
        #expect(try server.validate(.callStart(streamID: 1, payload: ByteBuffer())) == .deliver)
        #expect(try server.validate(.message(streamID: 1, payload: payload(3))) == .deliver)
        #expect(try server.validate(.windowUpdate(streamID: 1, increment: 4)) == .deliver)
        #expect(server.sendCredit(on: 1) == 20)
        #expect(try server.validate(.endStream(streamID: 1)) == .deliver)
        #expect(codeOf { _ = try server.validate(.endStream(streamID: 1)) } == .unexpectedFrame)
        #expect(codeOf { _ = try server.validate(.message(streamID: 1, payload: payload(1))) } == .unexpectedFrame)
        server.sent(.trailers(streamID: 1, payload: ByteBuffer()))
        // Crossed on the wire with the TRAILERS: dropped, not an error.
        #expect(try server.validate(.cancel(streamID: 1)) == .ignore)
        #expect(server.streamIDs.openStreamCount == 0)
    }

    @Test func cancelClosesTheStreamOnTheServer() throws {
        var server = try Self.server()
        _ = try server.validate(.callStart(streamID: 3, payload: ByteBuffer()))
        #expect(try server.validate(.cancel(streamID: 3, reason: 4)) == .deliver)
        #expect(try server.validate(.message(streamID: 3, payload: payload(1))) == .ignore)
        #expect(server.streamIDs.openStreamCount == 0)
    }

    @Test func clientFollowsAResponse() throws {
        var client = try Self.client()
        let id = try client.openStream()
        #expect(try client.validate(.initialMetadata(streamID: id, payload: ByteBuffer())) == .deliver)
        #expect(codeOf { _ = try client.validate(.initialMetadata(streamID: id, payload: ByteBuffer())) } == .unexpectedFrame)
        #expect(try client.validate(.message(streamID: id, payload: payload(2))) == .deliver)
        #expect(try client.validate(.trailers(streamID: id, payload: ByteBuffer())) == .deliver)
        #expect(try client.validate(.message(streamID: id, payload: payload(2))) == .ignore)
        #expect(codeOf { _ = try client.validate(.message(streamID: 3, payload: payload(2))) } == .unknownStream)
    }

    @Test func trailersOnlyResponseAndLateInitialMetadata() throws {
        var client = try Self.client()
        let first = try client.openStream()
        #expect(try client.validate(.trailers(streamID: first, payload: ByteBuffer())) == .deliver)
        let second = try client.openStream()
        _ = try client.validate(.message(streamID: second, payload: ByteBuffer()))
        #expect(codeOf { _ = try client.validate(.initialMetadata(streamID: second, payload: ByteBuffer())) } == .unexpectedFrame)
    }

    @Test func inboundCreditIsEnforcedAndReturnedOnConsumption() throws {
        var server = try Self.server(WireLimits(initialWindow: 4))
        _ = try server.validate(.callStart(streamID: 1, payload: ByteBuffer()))
        for _ in 0..<4 { _ = try server.validate(.message(streamID: 1, payload: payload(1))) }
        #expect(codeOf { _ = try server.validate(.message(streamID: 1, payload: payload(1))) } == .flowControlViolation)

        var fresh = try Self.server(WireLimits(initialWindow: 4))
        _ = try fresh.validate(.callStart(streamID: 1, payload: ByteBuffer()))
        for _ in 0..<4 { _ = try fresh.validate(.message(streamID: 1, payload: payload(1))) }
        let updates = [fresh.messageConsumed(on: 1), fresh.messageConsumed(on: 1)]
        #expect(updates == [nil, .windowUpdate(streamID: 1, increment: 2)])
        for _ in 0..<2 { _ = try fresh.validate(.message(streamID: 1, payload: payload(1))) }
        #expect(codeOf { _ = try fresh.validate(.message(streamID: 1, payload: payload(1))) } == .flowControlViolation)
    }

    @Test func noCreditIsGrantedAfterTheClientHalfCloses() throws {
        var server = try Self.server(WireLimits(initialWindow: 2))
        _ = try server.validate(.callStart(streamID: 1, payload: ByteBuffer()))
        _ = try server.validate(.message(streamID: 1, payload: payload(1), endStream: true))
        let update = server.messageConsumed(on: 1)
        #expect(update == nil)
    }

    @Test func outboundCreditFollowsThePeersWindow() throws {
        var client = try Self.client(peer: WireLimits(initialWindow: 2))
        let id = try client.openStream()
        var spent = (0..<3).map { _ in client.spendSendCredit(on: id) }
        #expect(spent == [true, true, false])
        _ = try client.validate(.windowUpdate(streamID: id, increment: 1))
        spent = [client.spendSendCredit(on: id), client.spendSendCredit(on: 99)]
        #expect(spent == [true, false])
    }

    @Test func windowUpdateMustBePositiveAndMustNotOverflow() throws {
        var client = try Self.client()
        let id = try client.openStream()
        #expect(codeOf { _ = try client.validate(.windowUpdate(streamID: id, increment: 0)) } == .flowControlViolation)
        #expect(codeOf { _ = try client.validate(.windowUpdate(streamID: id, increment: UInt32(Int32.max))) } == .flowControlViolation)
    }

    @Test func callsAfterTheServersGoAwayAreIgnored() throws {
        var server = try Self.server()
        _ = try server.validate(.callStart(streamID: 1, payload: ByteBuffer()))
        server.sent(.goAway(GoAway(lastStreamID: 1, code: .noError)))
        #expect(try server.validate(.callStart(streamID: 3, payload: ByteBuffer())) == .ignore)
        #expect(try server.validate(.message(streamID: 3, payload: ByteBuffer())) == .ignore)
        #expect(try server.validate(.message(streamID: 1, payload: ByteBuffer())) == .deliver)
        #expect(codeOf { _ = try server.validate(.callStart(streamID: 3, payload: ByteBuffer())) } == .streamIDReused)
    }

    @Test func clientClosesCallsAboveTheGoAwayAndRejectsARaisedLastID() throws {
        var client = try Self.client()
        let first = try client.openStream()
        let second = try client.openStream()
        #expect(try client.validate(.goAway(GoAway(lastStreamID: first, code: .noError))) == .deliver)
        #expect(client.peerGoAway?.lastStreamID == first)
        #expect(try client.validate(.message(streamID: second, payload: ByteBuffer())) == .ignore)
        #expect(try client.validate(.message(streamID: first, payload: ByteBuffer())) == .deliver)
        #expect(codeOf { _ = try client.validate(.goAway(GoAway(lastStreamID: second, code: .noError))) } == .unexpectedFrame)
    }

    @Test func handBuiltFramesAreStillHeaderChecked() throws {
        var server = try Self.server(WireLimits(maxFrameSize: 16_384))
        _ = try server.validate(.callStart(streamID: 1, payload: ByteBuffer()))
        #expect(codeOf { _ = try server.validate(.message(streamID: 1, payload: payload(16_385))) } == .frameTooLarge)
        #expect(codeOf { _ = try server.validate(Frame(type: .ping, streamID: .connection)) } == .invalidFrameLength)
    }
}

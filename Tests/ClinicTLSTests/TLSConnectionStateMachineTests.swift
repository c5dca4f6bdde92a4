@testable import ClinicTLS
import Testing

/// The connection lifecycle without channels or OpenSSL.
@Suite("TLSConnectionStateMachine")
struct TLSConnectionStateMachineTests {
    typealias Machine = TLSConnectionStateMachine

    private func activeMachine(_ role: TLSConfiguration.Role) -> Machine {
        var machine = Machine(role: role)
        _ = machine.channelActive()
        _ = machine.handshakeStepped(.complete)
        return machine
    }

    @Test("idle → handshaking → active, asking for the handshake bytes in between")
    func happyPath() {
        var machine = Machine(role: .server)
        #expect(machine.state == .idle(flushRequested: false))
        #expect(machine.channelRead() == .discardInput)
        #expect(machine.channelActive() == .startHandshake)
        #expect(machine.channelActive() == .none)  // once only
        #expect(machine.channelRead() == .continueHandshake)
        #expect(machine.handshakeStepped(.wantRead) == .sendHandshakeBytes)
        #expect(machine.handshakeStepped(.complete) == .completeHandshake(flushWrites: false))
        #expect(machine.state == .active(peerConfirmed: true))
        #expect(machine.channelRead() == .decrypt)
    }

    @Test("writes wait for the handshake; a flush asked for meanwhile happens when it completes")
    func flushDuringHandshake() {
        var machine = Machine(role: .client)
        #expect(machine.write() == .bufferWrite)
        #expect(machine.flush() == .none)
        #expect(machine.channelActive() == .startHandshake)
        #expect(machine.state == .handshaking(flushRequested: true))
        #expect(machine.write() == .bufferWrite)
        #expect(machine.handshakeStepped(.complete) == .completeHandshake(flushWrites: true))
        #expect(machine.flush() == .encryptAndFlush)
    }

    @Test("a failed handshake sends the alert, reports, closes; later writes fail as closed")
    func handshakeFailure() {
        var machine = Machine(role: .server)
        _ = machine.channelActive()
        let error = TLSError(.unknownCA, "no")
        #expect(machine.handshakeStepped(.failed(error)) == .fail(error, sendAlert: true, closeChannel: true))
        #expect(machine.state == .closed(error))
        guard case .failWrite(let writeError) = machine.write() else {
            Issue.record("write after failure must fail")
            return
        }
        #expect(writeError.code == .closed)
        #expect(machine.channelRead() == .discardInput)
        #expect(machine.close() == .forwardClose)
        #expect(machine.handshakeStepped(.complete) == .none)
    }

    @Test("TLS 1.3: a client is unconfirmed after its handshake until the server's data decrypts")
    func clientConfirmation() {
        var machine = activeMachine(.client)
        #expect(machine.state == .active(peerConfirmed: false))
        #expect(machine.decrypted(.wantRead, receivedPlaintext: false) == .none)
        #expect(machine.state == .active(peerConfirmed: false))
        #expect(machine.decrypted(.wantRead, receivedPlaintext: true) == .none)
        #expect(machine.state == .active(peerConfirmed: true))
    }

    @Test("TLS 1.3: the server's rejection arrives on the client's first read")
    func clientRejectedAfterHandshake() {
        var machine = activeMachine(.client)
        let rejected = TLSError(.certificateRejected, "the peer rejected our certificate (tlsv1 alert unknown ca)")
        #expect(machine.decrypted(.failed(rejected), receivedPlaintext: false)
            == .fail(rejected, sendAlert: true, closeChannel: true))

        var other = activeMachine(.client)
        guard case .fail(let error, _, _) = other.decrypted(.failed(TLSError(.protocolViolation, "bad")), receivedPlaintext: false)
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.message.contains("may have rejected our certificate"))
    }

    @Test("a silent close right after a client's handshake says the certificate may be the reason")
    func clientClosedUnconfirmed() {
        var machine = activeMachine(.client)
        guard case .fail(let error, let sendAlert, let close) = machine.channelInactive() else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .ioError)
        #expect(error.message.contains("certificate"))
        #expect(!sendAlert && !close)
    }

    @Test("close from active sends close_notify; the peer's close_notify is answered")
    func closing() {
        var machine = activeMachine(.server)
        #expect(machine.close() == .sendCloseNotifyAndClose)
        #expect(machine.state == .closing)
        #expect(machine.channelRead() == .decrypt)
        #expect(machine.decrypted(.closeNotify, receivedPlaintext: false) == .none)
        #expect(machine.close() == .forwardClose)
        #expect(machine.flush() == .none)
        if case .failWrite = machine.write() {} else { Issue.record("write while closing must fail") }
        #expect(machine.channelInactive() == .failBufferedWrites(TLSError(.closed, "the TLS connection is closed")))
        #expect(machine.state == .closed(nil))

        var answering = activeMachine(.client)
        #expect(answering.decrypted(.closeNotify, receivedPlaintext: true) == .sendCloseNotifyAndClose)
        #expect(answering.state == .closing)
    }

    @Test("closing before or during the handshake just closes the channel")
    func closeEarly() {
        var idle = Machine(role: .client)
        guard case .closeChannel = idle.close() else {
            Issue.record("expected closeChannel")
            return
        }
        #expect(idle.channelActive() == .none)

        var handshaking = Machine(role: .client)
        _ = handshaking.channelActive()
        guard case .closeChannel = handshaking.close() else {
            Issue.record("expected closeChannel")
            return
        }
    }

    @Test("the channel going away mid-handshake or without close_notify is an I/O error")
    func inactive() {
        var handshaking = Machine(role: .server)
        _ = handshaking.channelActive()
        guard case .fail(let error, false, false) = handshaking.channelInactive() else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .ioError)

        var active = activeMachine(.server)
        guard case .fail(let unclean, false, false) = active.channelInactive() else {
            Issue.record("expected a failure")
            return
        }
        #expect(unclean.message.contains("close_notify"))
        #expect(active.channelInactive() == .failBufferedWrites(TLSError(.closed, "the TLS connection is closed after an error: \(unclean.message)")))
    }

    @Test("an encryption failure closes; after closing it is ignored")
    func encryptionFailure() {
        var machine = activeMachine(.server)
        let error = TLSError(.protocolViolation, "broken")
        #expect(machine.encryptionFailed(error) == .fail(error, sendAlert: false, closeChannel: true))
        #expect(machine.encryptionFailed(error) == .none)
    }
}

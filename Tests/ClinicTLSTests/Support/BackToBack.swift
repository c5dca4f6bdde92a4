@testable import ClinicTLS
import NIOCore
import NIOEmbedded

/// Records what reaches the end of a pipeline: plaintext, the handshake event, errors, inactivity.
final class Recorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    var received = ByteBuffer()
    var reads = 0
    var handshake: TLSHandshakeCompleted?
    var errors: [TLSError] = []
    var otherErrors: [any Error] = []
    var inactive = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received.writeBuffer(&buffer)
        reads += 1
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSHandshakeCompleted { handshake = event }
    }

    // Not forwarded: EmbeddedChannel would rethrow it from the next writeInbound.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? TLSError { errors.append(error) } else { otherErrors.append(error) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        inactive = true
    }
}

/// A client and a server `EmbeddedChannel`, each with a `TLSHandler`, joined by `pump()`.
final class BackToBack {
    let client: EmbeddedChannel
    let server: EmbeddedChannel
    let clientRecorder = Recorder()
    let serverRecorder = Recorder()

    init(
        client clientConfiguration: TLSConfiguration,
        server serverConfiguration: TLSConfiguration,
        clientExpects: TLSExpectedPeer? = nil
    ) throws {
        client = EmbeddedChannel()
        server = EmbeddedChannel()
        let clientHandler = try TLSHandler(context: TLSContext(configuration: clientConfiguration), expectedPeer: clientExpects)
        let serverHandler = try TLSHandler(context: TLSContext(configuration: serverConfiguration))
        try client.pipeline.syncOperations.addHandlers([clientHandler, clientRecorder])
        try server.pipeline.syncOperations.addHandlers([serverHandler, serverRecorder])
    }

    /// Activates both channels and runs the handshake as far as it goes.
    func handshake() throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 1)
        try server.connect(to: address).wait()
        try client.connect(to: address).wait()
        try pump()
    }

    /// Moves bytes both ways until neither side has anything to send; returns the buffers moved.
    @discardableResult
    func pump() throws -> Int {
        var moved = 0
        for _ in 0..<100_000 {
            let step = try move(from: client, to: server) + move(from: server, to: client)
            if step == 0 { return moved }
            moved += step
        }
        throw TLSError(.ioError, "pump did not settle")
    }

    /// Delivers raw bytes to a side as if from the network.
    func inject(_ bytes: [UInt8], into channel: EmbeddedChannel) throws {
        try channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    private func move(from source: EmbeddedChannel, to target: EmbeddedChannel) throws -> Int {
        var count = 0
        while let buffer = try source.readOutbound(as: ByteBuffer.self) {
            count += 1
            // A closed side drops what still arrives, as a socket would.
            if target.isActive { try target.writeInbound(buffer) }
        }
        return count
    }

    /// Reads every outbound buffer of `channel` without delivering it.
    func drainOutbound(_ channel: EmbeddedChannel) throws -> [ByteBuffer] {
        var buffers: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { buffers.append(buffer) }
        return buffers
    }

    func finish() {
        _ = try? client.finish(acceptAlreadyClosed: true)
        _ = try? server.finish(acceptAlreadyClosed: true)
    }
}

/// The TLS record headers in a ciphertext buffer: (content type, length).
func tlsRecords(in buffer: ByteBuffer) -> [(type: UInt8, length: Int)] {
    var view = buffer
    var records: [(UInt8, Int)] = []
    while let type = view.readInteger(as: UInt8.self), let _ = view.readInteger(as: UInt16.self),
        let length = view.readInteger(as: UInt16.self)
    {
        records.append((type, Int(length)))
        view.moveReaderIndex(forwardBy: min(Int(length), view.readableBytes))
    }
    return records
}

/// `count` bytes of a repeating, position-dependent pattern.
func patternBytes(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
}

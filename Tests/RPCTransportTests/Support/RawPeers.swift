import ClinicTLS
import Foundation
import TestSupport
import NIOCore
import NIOPosix
import RPCWire
import Synchronization

/// A hostile or broken client: completes a real TLS handshake (with a platform certificate and
/// the protocol's ALPN) and then sends whatever bytes the test wants, recording what comes back.
final class RawTLSPeer: Sendable {
    let channel: any Channel
    private let received: ReceivedBytes

    private init(channel: any Channel, received: ReceivedBytes) {
        self.channel = channel
        self.received = received
    }

    static func connect(port: Int, tls: TLSConfiguration) async throws -> RawTLSPeer {
        var tls = tls
        tls.applicationProtocols = [WireProtocol.alpnIdentifier]
        let context = try TLSContext(configuration: tls)
        let received = ReceivedBytes()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TLSHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(ByteCollector(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawTLSPeer(channel: channel, received: received)
    }

    /// Sends raw bytes (inside TLS).
    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Sends frames.
    func send(_ frames: [Frame]) async throws {
        var buffer = ByteBuffer()
        for frame in frames { try buffer.writeFrame(frame) }
        try await channel.writeAndFlush(buffer).get()
    }

    /// Waits (bounded) until the server closes the connection.
    func waitForClose(seconds: Double = 20) async throws {
        try await withTimeout(seconds: seconds) { [channel] in try await channel.closeFuture.get() }
    }

    /// The frames the server sent (as far as they parse).
    var frames: [Frame] {
        var parser = FrameParser(limits: WireLimits(maxFrameSize: Int(Int32.max), maxMetadataSize: Int(Int32.max)))
        var buffer = ByteBuffer(bytes: received.bytes)
        var frames: [Frame] = []
        while let frame = try? parser.nextFrame(from: &buffer) { frames.append(frame) }
        return frames
    }

    /// The GOAWAY the server sent, if any.
    var goAway: GoAway? {
        frames.last { $0.type == .goAway }.flatMap { try? $0.goAway() }
    }

    func close() async {
        try? await channel.close()
    }
}

final class ReceivedBytes: Sendable {
    private let storage = Mutex<[UInt8]>([])
    var bytes: [UInt8] { storage.withLock { $0 } }
    func append(_ buffer: ByteBuffer) { storage.withLock { $0 += buffer.readableBytesView } }
}

private final class ByteCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let received: ReceivedBytes

    init(received: ReceivedBytes) { self.received = received }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.append(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Sends bytes over plain TCP (no TLS) and returns what came back before the server closed.
func plaintextExchange(port: Int, bytes: [UInt8]) async throws -> [UInt8] {
    let received = ReceivedBytes()
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ByteCollector(received: received)) }
        }
        .connect(host: "127.0.0.1", port: port).get()
    try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    try await withTimeout(seconds: 20) { try await channel.closeFuture.get() }
    return received.bytes
}

/// The result of `openssl s_client`.
struct SClientResult {
    var exitStatus: Int32
    var output: [UInt8]

    /// Whether the server's SETTINGS frame (sent only after a successful handshake) arrived.
    var receivedSettings: Bool {
        let header: [UInt8] = [0, 0, 0, 0x1E, 0x01, 0x00, 0, 0, 0, 0]
        guard output.count >= header.count else { return false }
        return (0...(output.count - header.count)).contains { Array(output[$0..<$0 + header.count]) == header }
    }
}

/// Runs `openssl s_client` against 127.0.0.1:`port` with `arguments`; it stays until the server
/// closes the connection (`-ign_eof`), printing what it received. Bounded by `seconds`.
func runSClient(port: Int, arguments: [String], seconds: Double = 20) async throws -> SClientResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-quiet", "-ign_eof"] + arguments
    let output = Pipe()
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = output
    try ChildProcess.launch(process)
    defer { if process.isRunning { process.terminate() } }
    try await waitUntil("s_client to exit", seconds: seconds) { !process.isRunning }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    return SClientResult(exitStatus: process.terminationStatus, output: Array(data))
}

import ClinicTLS
import Foundation
import TestSupport
import NIOCore
import NIOPosix
import Synchronization

/// The result of running `openssl s_client` against a server.
struct SClientResult {
    var exitStatus: Int32
    var output: String
    var errors: String
}

/// Collects a pipe's bytes from a background reader.
private final class PipeCollector: Sendable {
    private let bytes = Mutex<[UInt8]>([])

    init(_ pipe: Pipe) {
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
            } else {
                bytes.withLock { $0 += data }
            }
        }
    }

    var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
}

/// `openssl s_client` as an external TLS peer: connects, sends `line`, waits for `expectEcho`
/// (when given) and then closes its input so it sends close_notify and exits. Every wait is bounded.
func runSClient(port: Int, arguments: [String], line: String, expectEcho: String?, seconds: Double = 20) async throws
    -> SClientResult
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-quiet", "-no_ign_eof", "-nocommands"]
        + arguments
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    let out = PipeCollector(output)
    let err = PipeCollector(errors)
    try ChildProcess.launch(process)
    defer { if process.isRunning { process.terminate() } }

    try? input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    if let expectEcho {
        // Wait for the echo, or for s_client to give up on its own.
        try await waitUntil("s_client to echo '\(expectEcho)' (out: \(out.text), err: \(err.text))", seconds: seconds) {
            out.text.contains(expectEcho) || !process.isRunning
        }
    }
    try? input.fileHandleForWriting.close()
    do {
        try await waitUntil("s_client to exit", seconds: seconds) { !process.isRunning }
    } catch {
        process.terminate()
        throw error
    }
    // Let the readers catch up with what the process wrote before exiting.
    try? await Task.sleep(for: .milliseconds(50))
    return SClientResult(exitStatus: process.terminationStatus, output: out.text, errors: err.text)
}

/// Sends `bytes` over plain TCP and returns what came back before the server closed.
func rawTCPExchange(port: Int, bytes: [UInt8]) async throws -> [UInt8] {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    do {
        let received = RawCollector()
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(received) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
        try await value(of: channel.closeFuture)
        try? await group.shutdownGracefully()
        return received.bytes
    } catch {
        try? await group.shutdownGracefully()
        throw error
    }
}

private final class RawCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let received = Mutex<[UInt8]>([])

    var bytes: [UInt8] { received.withLock { $0 } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        received.withLock { $0 += buffer.readableBytesView }
    }
}

/// Our own TLS client over a real socket: connects, sends `message`, returns the echo and the
/// handshake event.
func echoThroughTLS(port: Int, configuration: TLSConfiguration, message: [UInt8]) async throws
    -> (echo: [UInt8], handshake: TLSHandshakeCompleted?)
{
    let context = try TLSContext(configuration: configuration)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let loop = group.next()
    let echoed = loop.makePromise(of: EchoCollector.Result.self)
    do {
        let channel = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TLSHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(EchoCollector(expected: message.count, promise: echoed))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: message)).get()
        } catch {
            // A peer that refuses the handshake may close before the write is issued: the
            // connection's own error (the TLS alert) says why, not the failed write.
            _ = try await value(of: echoed.futureResult)
            throw error
        }
        let result = try await value(of: echoed.futureResult)
        try await value(of: channel.close())
        try? await group.shutdownGracefully()
        return result
    } catch {
        echoed.fail(error)  // no-op when already completed; a pending promise must not leak
        try? await group.shutdownGracefully()
        throw error
    }
}

private final class EchoCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias Result = (echo: [UInt8], handshake: TLSHandshakeCompleted?)

    let expected: Int
    let promise: EventLoopPromise<Result>
    private var bytes: [UInt8] = []
    private var handshake: TLSHandshakeCompleted?
    private var done = false

    init(expected: Int, promise: EventLoopPromise<Result>) {
        self.expected = expected
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        bytes += unwrapInboundIn(data).readableBytesView
        if bytes.count >= expected, !done {
            done = true
            promise.succeed((bytes, handshake))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSHandshakeCompleted { handshake = event }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(TLSError(.closed, "closed before the echo arrived"))
    }

    private func finish(_ error: any Error) {
        guard !done else { return }
        done = true
        promise.fail(error)
    }
}

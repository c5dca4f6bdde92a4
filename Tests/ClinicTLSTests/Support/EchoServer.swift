import ClinicTLS
import NIOCore
import NIOPosix
import Synchronization

/// What the echo server saw, shared between its event loop and the test.
final class ServerLog: Sendable {
    private let state = Mutex<(errors: [TLSError], peers: [TLSPeerIdentity?])>(([], []))

    var errors: [TLSError] { state.withLock { $0.errors } }
    var handshakes: Int { state.withLock { $0.peers.count } }
    var peers: [TLSPeerIdentity?] { state.withLock { $0.peers } }

    func record(_ error: TLSError) { state.withLock { $0.errors.append(error) } }
    func record(_ handshake: TLSHandshakeCompleted) { state.withLock { $0.peers.append(handshake.peer) } }
}

/// Echoes plaintext back and records handshakes and TLS errors.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let log: ServerLog

    init(log: ServerLog) { self.log = log }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let handshake = event as? TLSHandshakeCompleted { log.record(handshake) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? TLSError { log.record(error) }
        context.close(promise: nil)
    }
}

/// A TLS echo server on 127.0.0.1 with an ephemeral port.
struct EchoServer {
    let group: MultiThreadedEventLoopGroup
    let channel: any Channel
    let log: ServerLog
    let port: Int

    static func start(configuration: TLSConfiguration) async throws -> EchoServer {
        let context = try TLSContext(configuration: configuration)
        let log = ServerLog()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(TLSHandler(context: context))
                        try channel.pipeline.syncOperations.addHandler(EchoHandler(log: log))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            guard let port = channel.localAddress?.port else { throw TLSError(.ioError, "no local port") }
            return EchoServer(group: group, channel: channel, log: log, port: port)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    func stop() async {
        try? await channel.close().get()
        try? await group.shutdownGracefully()
    }

    /// Waits (bounded) until the server has logged `count` errors; returns the errors.
    func waitForErrors(_ count: Int) async throws -> [TLSError] {
        try await waitUntil("\(count) server errors (have \(log.errors))") { log.errors.count >= count }
        return log.errors
    }
}

/// Polls `condition` until it holds, failing after `seconds` so a broken test never hangs.
func waitUntil(_ what: @autoclosure () -> String, seconds: Double = 20, _ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + .milliseconds(Int(seconds * 1000))
    while !condition() {
        if clock.now >= deadline { throw TLSError(.ioError, "timed out waiting for \(what())") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// The future's value, or a timeout error after `seconds`.
func value<T: Sendable>(of future: EventLoopFuture<T>, seconds: Int64 = 20) async throws -> T {
    let promise = future.eventLoop.makePromise(of: T.self)
    future.cascade(to: promise)
    let timer = future.eventLoop.scheduleTask(in: .seconds(seconds)) {
        promise.fail(TLSError(.ioError, "timed out after \(seconds) s"))
    }
    defer { timer.cancel() }
    return try await promise.futureResult.get()
}

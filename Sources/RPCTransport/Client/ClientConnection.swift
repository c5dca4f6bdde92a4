internal import ClinicTLS
internal import Logging
internal import NIOCore
internal import NIOPosix
internal import RPCCore
internal import RPCWire
import Synchronization

/// One client connection: TLS, frames and a `ClientConnectionHandler` on one channel, ready
/// once the server's SETTINGS arrived. Calls open streams on it from any task.
final class ClientConnection: Sendable {
    let channel: any Channel
    let loop: any EventLoop
    private let handler: NIOLoopBound<ClientConnectionHandler>
    private let tokens = Atomic<UInt64>(0)

    private init(channel: any Channel, handler: ClientConnectionHandler) {
        self.channel = channel
        self.loop = channel.eventLoop
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }

    /// Connects to `host:port` and waits for the server's SETTINGS.
    static func connect(
        host: String, port: Int, context: TLSContext, expectedPeer: TLSExpectedPeer?, settings: RPCConnectionSettings,
        group: any EventLoopGroup, events: ClientConnectionEvents, logger: Logger
    ) -> EventLoopFuture<ClientConnection> {
        ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(settings.handshakeTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    let ready = channel.eventLoop.makePromise(of: Void.self)
                    do {
                        try pipeline.addHandler(TLSHandler(context: context, expectedPeer: expectedPeer))
                        try pipeline.addHandler(
                            ClientConnectionHandler(settings: settings, events: events, ready: ready, logger: logger))
                    } catch {
                        // An unfulfilled promise must not leak.
                        ready.fail(error)
                        throw error
                    }
                }
            }
            .connect(host: host, port: port)
            .flatMap { channel in
                channel.eventLoop.flatSubmit {
                    do {
                        let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
                        let connection = ClientConnection(channel: channel, handler: handler)
                        return handler.ready.futureResult.map { connection }
                    } catch {
                        return channel.eventLoop.makeFailedFuture(error)
                    }
                }
            }
    }

    /// Opens a call; waits while the server's concurrency limit is reached. Throws `unavailable`
    /// when the connection is draining or closed.
    func openStream(_ start: RPCCallStart) async throws -> ClientStreamHandle {
        if loop.inEventLoop, let handle = try handler.value.tryOpen(start) { return handle }
        let token = tokens.add(1, ordering: .relaxed).newValue
        let handler = self.handler
        let loop = self.loop
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ClientStreamHandle, any Error>) in
                loop.execute { handler.value.open(start, token: token, continuation: continuation) }
            }
        } onCancel: {
            loop.execute { handler.value.cancelOpen(token) }
        }
    }

    /// Makes a unary call (see `UnaryExchange`). Throws `UnaryExchange.OpenRefused` when the
    /// call could not be opened here.
    nonisolated(nonsending) func unary(_ start: RPCCallStart, request: [UInt8]) async throws -> [RPCResponsePart] {
        let exchange = UnaryExchange()
        let handler = self.handler
        let loop = self.loop
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[RPCResponsePart], any Error>) in
                exchange.arm(continuation)
                if loop.inEventLoop {
                    handler.value.startUnary(start, request: request, exchange: exchange)
                } else {
                    loop.execute { handler.value.startUnary(start, request: request, exchange: exchange) }
                }
            }
        } onCancel: {
            exchange.cancel()
        }
    }

    /// Stops opening calls and closes once the calls in flight have ended.
    func drain() {
        let handler = self.handler
        loop.execute { handler.value.drain() }
    }

    /// Closes at once; calls in flight fail with `unavailable`.
    func close() {
        channel.close(promise: nil)
    }
}

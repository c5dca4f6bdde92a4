/// A client transport and a server transport connected in memory, for unit tests of services
/// and of the call layer: the same `RPCClient` and `RPCServer` as over the network, with
/// bounded buffers each way so a fast writer waits for a slow reader.
///
/// ```swift
/// let transport = InProcessTransport()
/// let server = RPCServer(services: [MyService()], transports: [transport.server])
/// let client = RPCClient(transport: transport.client)
/// ```
public struct InProcessTransport: Sendable {
    /// Give this to an `RPCServer`.
    public let server: Server
    /// Give this to an `RPCClient`.
    public let client: Client

    /// A connected pair; `bufferSize` messages fit in each direction of a call before the writer
    /// waits; the server sees every caller as `peer`.
    public init(bufferSize: Int = 8, peer: Peer = Peer(address: "in-process")) {
        server = Server(bufferSize: bufferSize, peer: peer)
        client = Client(server: server)
    }

    /// The server side: yields each call the client opens.
    public final class Server: ServerTransport {
        let bufferSize: Int
        let peer: Peer
        private let calls: AsyncStream<InProcessCall>
        private let incoming: AsyncStream<InProcessCall>.Continuation

        init(bufferSize: Int, peer: Peer) {
            self.bufferSize = bufferSize
            self.peer = peer
            (calls, incoming) = AsyncStream.makeStream()
        }

        public func listen(_ handler: @escaping RPCStreamHandler) async throws {
            await withDiscardingTaskGroup { group in
                for await call in calls {
                    group.addTask { await call.serve(handler) }
                }
            }
            // Cancelled or shut down: calls opened from now on fail.
            incoming.finish()
        }

        public func beginGracefulShutdown() {
            incoming.finish()
        }

        /// Hands a call to `listen`; calls opened before `listen` starts wait for it.
        func open(_ call: InProcessCall) throws(RPCError) {
            guard case .enqueued = incoming.yield(call) else {
                throw RPCError(code: .unavailable, message: "the in-process server is not accepting calls")
            }
        }
    }

    /// The client side: opens calls on the connected server.
    public struct Client: ClientTransport {
        let server: Server

        public func withStream<Result: Sendable>(
            _ start: RPCCallStart, _ body: (RPCClientStream) async throws -> Result
        ) async throws -> Result {
            let call = InProcessCall(start: start, peer: server.peer, bufferSize: server.bufferSize)
            try server.open(call)
            // Leaving, for whatever reason, cancels what the server is still doing for the call.
            defer { call.cancel() }
            return try await withTaskCancellationHandler {
                try await body(call.clientStream)
            } onCancel: {
                call.cancel()
            }
        }

        public func beginGracefulShutdown() {}
    }
}

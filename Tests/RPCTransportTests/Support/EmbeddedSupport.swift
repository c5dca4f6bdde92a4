import Logging
import NIOCore
import NIOEmbedded
import RPCCore
@testable import RPCTransport
@testable import RPCWire

/// Server and client connection handlers on `EmbeddedChannel`s (no sockets, no TLS), driven
/// frame by frame.
enum Embedded {
    static let logger = Logger(label: "test")

    /// A server connection (frame layers and handler) with `settings`; calls go to `handler`.
    static func server(
        settings: RPCConnectionSettings = RPCConnectionSettings(),
        handler: @escaping @Sendable (RPCServerStream) async -> Void = { _ in }
    ) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let tracker = ServerConnectionTracker()
        tracker.setHandler(handler)
        try NIOServerTransport.addFrameHandlers(to: channel, settings: settings, tracker: tracker, logger: logger)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7000)).wait()
        return channel
    }

    /// A client connection with `settings`; returns the channel and its handler.
    static func client(settings: RPCConnectionSettings = RPCConnectionSettings()) throws
        -> (EmbeddedChannel, ClientConnectionHandler)
    {
        let channel = EmbeddedChannel()
        let ready = channel.eventLoop.makePromise(of: Void.self)
        let handler = ClientConnectionHandler(
            settings: settings, events: ClientConnectionEvents(draining: {}, closed: {}), ready: ready, logger: logger)
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7000)).wait()
        return (channel, handler)
    }
}

extension EmbeddedChannel {
    /// Feeds frames as bytes.
    func send(_ frames: Frame...) throws {
        var buffer = ByteBuffer()
        for frame in frames { try buffer.writeFrame(frame) }
        try writeInbound(buffer)
    }

    /// Everything written so far, parsed into frames (runs pending loop work first).
    func sentFrames() throws -> [Frame] {
        embeddedEventLoop.run()
        var bytes = ByteBuffer()
        while var buffer = try readOutbound(as: ByteBuffer.self) { bytes.writeBuffer(&buffer) }
        var parser = FrameParser(limits: WireLimits(maxFrameSize: Int(Int32.max), maxMetadataSize: Int(Int32.max)))
        var frames: [Frame] = []
        while let frame = try parser.nextFrame(from: &bytes) { frames.append(frame) }
        return frames
    }
}

/// A CALL_START frame for `method`.
func callStartFrame(_ id: UInt32, method: String, timeoutMicros: UInt64? = nil, metadata: Metadata = [:]) -> Frame {
    .callStart(
        streamID: StreamID(id),
        payload: CallPayloads.encodeCallStart(.init(method: method, timeoutMicros: timeoutMicros, metadata: metadata), allocator: .init()))
}

extension ClientStreamHandle {
    /// The inbox of a stream opened with `tryOpen` (a streaming call's).
    var inbox: StreamInbox<RPCResponsePart> {
        guard case .inbox(let inbox) = receiver else { preconditionFailure("a unary exchange has no inbox") }
        return inbox
    }
}

import Logging
import NIOCore
import NIOHTTP1

/// One HTTP/1.1 connection: reads requests one after another (keep-alive; pipelined requests
/// wait their turn), reads each body up to its route's limit, and hands the request to the
/// handler. Parsing is NIOHTTP1's; this only sequences requests and bodies.
enum HTTPConnection {
    typealias Channel = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// How much of a refused body is read (and dropped) before the connection closes.
    static let maxDrainBytes = 1 << 20

    static func serve(_ connection: Channel, handler: EdgeHandler, registry: ConnectionRegistry) async {
        let channel = connection.channel
        guard registry.open(channel) else {
            // Closed through executeThenClose, which finishes the writer (NIO traps otherwise).
            try? await connection.executeThenClose { _, _ in }
            return
        }
        defer { registry.close(channel) }
        let peer = channel.remoteAddress?.ipAddress ?? "unknown"
        do {
            try await connection.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                while let part = try await parts.next() {
                    // Only a head starts a request; anything else here is the tail of a body
                    // the handler already gave up on (the connection is closing then).
                    guard case .head(let head) = part else { continue }
                    _ = registry.setBusy(channel, true)
                    let request = handler.prepare(head, peer: peer)
                    var body: [UInt8] = []
                    var overLimit = false
                    var complete = false
                    if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > request.bodyLimit {
                        overLimit = true
                    } else {
                        reading: while let part = try await parts.next() {
                            switch part {
                            case .body(let buffer):
                                guard body.count + buffer.readableBytes <= request.bodyLimit else {
                                    overLimit = true
                                    break reading
                                }
                                body.append(contentsOf: buffer.readableBytesView)
                            case .end:
                                complete = true
                                break reading
                            case .head:
                                // NIOHTTP1 never sends a head before the previous end.
                                return
                            }
                        }
                    }
                    // The client left in the middle of the body: nothing to answer.
                    if !overLimit && !complete { return }
                    let writer = ResponseWriter(
                        outbound: outbound, version: head.version, isHead: head.method == .HEAD,
                        keepAlive: head.isKeepAlive && !overLimit && !registry.isDraining, common: request.commonHeaders)
                    if overLimit {
                        await handler.reject(request, .bodyTooLarge(limit: request.bodyLimit), writer: writer)
                        // The connection closes after the answer. A little more of the body is read
                        // first: closing with unread data resets the connection, and the client
                        // could lose the answer.
                        var drained = 0
                        while drained < Self.maxDrainBytes, let part = try await parts.next() {
                            guard case .body(let buffer) = part else { break }
                            drained += buffer.readableBytes
                        }
                    } else {
                        await handler.respond(to: request, body: body, writer: writer, closeFuture: channel.closeFuture)
                    }
                    guard writer.keepAlive, registry.setBusy(channel, false) else { return }
                }
            }
        } catch {
            handler.logger.debug("connection ended", metadata: ["error.type": "\(type(of: error))"])
        }
    }
}

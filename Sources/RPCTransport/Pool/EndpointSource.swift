/// Where a service instance listens.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// A host name or IP address.
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

/// Tells a `PooledClientTransport` which endpoints of a service are healthy. The registry
/// client implements it from its watch; `StaticEndpointSource` is a fixed list.
public protocol EndpointSource: Sendable {
    /// The healthy endpoints: the current list first, then the whole list again after every
    /// change. The pool connects to new endpoints, closes connections to removed ones (letting
    /// their calls finish), and round-robins over those it is connected to.
    func endpointUpdates() -> AsyncStream<[Endpoint]>
}

/// A fixed list of endpoints.
public struct StaticEndpointSource: EndpointSource {
    /// The endpoints, in round-robin order.
    public let endpoints: [Endpoint]

    public init(_ endpoints: [Endpoint]) {
        self.endpoints = endpoints
    }

    public func endpointUpdates() -> AsyncStream<[Endpoint]> {
        let (stream, continuation) = AsyncStream.makeStream(of: [Endpoint].self)
        continuation.yield(endpoints)
        continuation.finish()
        return stream
    }
}

/// How a pool waits between attempts to reconnect to an endpoint that failed: exponential,
/// with jitter so that clients that lost a server together do not reconnect together.
public struct ReconnectBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// Each delay is randomly shortened by up to this fraction.
    public var jitter: Double

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(10), multiplier: Double = 1.6, jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    public static let `default` = ReconnectBackoff()

    /// The delay before attempt `attempt + 1` after `attempt` failures (attempt ≥ 1).
    func delay(afterFailures attempt: Int) -> Duration {
        var delay = initial
        for _ in 1..<max(attempt, 1) {
            delay = min(delay * multiplier, maximum)
            if delay == maximum { break }
        }
        return delay * (1 - Double.random(in: 0...max(0, min(jitter, 1))))
    }
}

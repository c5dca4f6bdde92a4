internal import RPCWire

/// What one side of a connection accepts and how it watches the connection: the limits it
/// announces in SETTINGS (docs/PROTOCOL.md section 3.1) and its timers (section 7).
public struct RPCConnectionSettings: Sendable, Hashable {
    /// Largest message (MESSAGE payload) this side accepts, in bytes (MAX_FRAME_SIZE).
    public var maxMessageSize: Int
    /// Largest CALL_START, INITIAL_METADATA, TRAILERS, SETTINGS or GOAWAY payload accepted.
    public var maxMetadataSize: Int
    /// Calls a client may have open on one connection (a server's announcement; clients ignore it).
    public var maxConcurrentStreams: Int
    /// Messages the peer may send on a stream before this side grants more credit.
    public var initialWindow: Int
    /// Shortest interval between the peer's PINGs that this side tolerates (0: any rate).
    public var minPingInterval: Duration
    /// After this long without a complete frame from the peer, send a PING (never more often
    /// than the peer's MIN_PING_INTERVAL_MS allows).
    public var keepaliveInterval: Duration
    /// After a PING, the peer is dead if no complete frame arrives within this long.
    public var keepaliveTimeout: Duration
    /// The TLS handshake and the peer's SETTINGS must be done within this long of connecting.
    public var handshakeTimeout: Duration
    /// A server closes a connection that has had no open call for this long (GOAWAY NO_ERROR).
    public var idleTimeout: Duration?
    /// A draining connection closes after this long even if calls are still open.
    public var drainTimeout: Duration

    /// The defaults of docs/PROTOCOL.md.
    public init(
        maxMessageSize: Int = 4 * 1024 * 1024, maxMetadataSize: Int = 16 * 1024, maxConcurrentStreams: Int = 1024,
        initialWindow: Int = 16, minPingInterval: Duration = .seconds(10), keepaliveInterval: Duration = .seconds(30),
        keepaliveTimeout: Duration = .seconds(10), handshakeTimeout: Duration = .seconds(10),
        idleTimeout: Duration? = .seconds(300), drainTimeout: Duration = .seconds(30)
    ) {
        self.maxMessageSize = maxMessageSize
        self.maxMetadataSize = maxMetadataSize
        self.maxConcurrentStreams = maxConcurrentStreams
        self.initialWindow = initialWindow
        self.minPingInterval = minPingInterval
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.handshakeTimeout = handshakeTimeout
        self.idleTimeout = idleTimeout
        self.drainTimeout = drainTimeout
    }

    /// The defaults.
    public static let `default` = RPCConnectionSettings()

    /// The wire limits these settings announce and enforce.
    var limits: WireLimits {
        WireLimits(
            maxFrameSize: maxMessageSize, maxMetadataSize: maxMetadataSize, maxConcurrentStreams: maxConcurrentStreams,
            initialWindow: initialWindow, minPingInterval: minPingInterval)
    }

    /// Throws when a limit is outside the range SETTINGS can carry.
    func validate() throws(WireError) {
        try limits.validate()
    }
}

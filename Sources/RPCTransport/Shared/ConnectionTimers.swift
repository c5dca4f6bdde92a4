internal import NIOCore

/// The timers one connection handler runs; all cancelled when the channel goes inactive.
struct ConnectionTimers {
    /// TLS handshake plus the peer's SETTINGS.
    var handshake: Scheduled<Void>?
    /// The next keepalive check.
    var keepalive: Scheduled<Void>?
    /// Waits for any frame after a keepalive PING.
    var keepaliveTimeout: Scheduled<Void>?
    /// The next idle check (servers).
    var idle: Scheduled<Void>?
    /// Bounds a graceful drain.
    var drain: Scheduled<Void>?

    mutating func cancelAll() {
        handshake?.cancel()
        keepalive?.cancel()
        keepaliveTimeout?.cancel()
        idle?.cancel()
        drain?.cancel()
        self = ConnectionTimers()
    }
}

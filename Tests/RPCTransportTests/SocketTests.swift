import Testing

/// The tests over real sockets run one at a time: each starts servers and TLS handshakes, and
/// `concurrentLargeUnary` alone keeps both cores busy, so running them side by side would turn
/// their safety-net timeouts into failures.
@Suite("Real sockets", .serialized)
struct SocketTests {}

import Synchronization

/// The OpenAPI document, built on first use and kept: building it probes every request type's
/// validation, which servers that are never asked for it (and tests) need not pay for.
final class OpenAPIDocument: Sendable {
    private let routes: RouteTable
    private let built = Mutex<[UInt8]?>(nil)

    init(routes: RouteTable) {
        self.routes = routes
    }

    /// The document's JSON text.
    var bytes: [UInt8] {
        if let bytes = built.withLock({ $0 }) { return bytes }
        // Built outside the lock: two first requests may both build it, with the same result.
        let bytes = OpenAPIBuilder(routes: routes).document().utf8
        built.withLock { $0 = bytes }
        return bytes
    }
}

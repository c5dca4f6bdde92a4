/// The OpenAPI document's JSON text, built once when the edge starts (from descriptors and the
/// generated field rules: no calls, a few milliseconds).
struct OpenAPIDocument: Sendable {
    /// The document's JSON text.
    let bytes: [UInt8]

    init(routes: RouteTable) {
        bytes = OpenAPIBuilder(routes: routes).document().utf8
    }
}

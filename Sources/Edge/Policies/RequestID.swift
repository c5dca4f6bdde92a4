/// The id of a request: the client's `X-Request-Id` when it is well-formed, otherwise a new
/// random one. It is returned in the response, logged, and passed to the service as the
/// `clinic-request-id` metadata the RPC server logs.
enum RequestID {
    /// The header it is read from and returned in.
    static let header = "x-request-id"
    /// The metadata key the RPC runtime reads.
    static let metadataKey = "clinic-request-id"

    /// The id for a request whose `X-Request-Id` headers are `values`.
    static func resolve(_ values: [String]) -> String {
        if values.count == 1, isWellFormed(values[0]) { return values[0] }
        return generate()
    }

    /// 1 to 128 of `[A-Za-z0-9._:-]`: safe in logs and headers whatever the client sent.
    static func isWellFormed(_ id: String) -> Bool {
        let utf8 = id.utf8
        return (1...128).contains(utf8.count) && utf8.allSatisfy { byte in
            switch byte {
            case 48...57, 65...90, 97...122, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"): true
            default: false
            }
        }
    }

    /// 128 random bits in hex (the system generator; not a secret, only unique).
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        return pad(String(high, radix: 16)) + pad(String(low, radix: 16))
    }

    private static func pad(_ hex: String) -> String {
        String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }
}

/// The deadline of a call from the `X-Request-Timeout` header, in the syntax of gRPC's
/// `grpc-timeout`: 1 to 8 digits and a unit, `H` hours, `M` minutes, `S` seconds,
/// `m` milliseconds, `u` microseconds, `n` nanoseconds (`250m`, `5S`).
enum RequestTimeout {
    /// The header it is read from.
    static let header = "x-request-timeout"

    /// The timeout of a call: the header's value capped at `maximum`, or `defaultValue` when the
    /// request has no header; a malformed value is `invalid_argument`.
    static func resolve(_ values: [String], default defaultValue: Duration?, maximum: Duration) throws(EdgeError) -> Duration? {
        guard let text = values.first else { return defaultValue.map { min($0, maximum) } }
        guard values.count == 1, let timeout = parse(text) else {
            throw EdgeError(.invalidArgument, "X-Request-Timeout must be 1 to 8 digits and a unit (H, M, S, m, u, n), e.g. 500m")
        }
        return min(timeout, maximum)
    }

    /// The duration `text` names, nil when malformed.
    static func parse(_ text: String) -> Duration? {
        let utf8 = Array(text.utf8)
        guard (2...9).contains(utf8.count), let unit = utf8.last else { return nil }
        let digits = utf8.dropLast()
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let value = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) }
        switch unit {
        case UInt8(ascii: "H"): return .seconds(value * 3600)
        case UInt8(ascii: "M"): return .seconds(value * 60)
        case UInt8(ascii: "S"): return .seconds(value)
        case UInt8(ascii: "m"): return .milliseconds(value)
        case UInt8(ascii: "u"): return .microseconds(value)
        case UInt8(ascii: "n"): return .nanoseconds(value)
        default: return nil
        }
    }
}

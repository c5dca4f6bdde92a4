/// A parsed JSON document that keeps what the proto3 mapping needs and Foundation drops:
/// number lexemes (so int64 and double values keep their exact text) and member order.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number exactly as written (validated against the RFC 8259 grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order; the parser has already rejected duplicate keys.
    case object([JSONMember])

    /// A short name of the JSON type, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// One `"key": value` pair of a JSON object.
struct JSONMember: Sendable, Equatable {
    var key: String
    var value: JSONValue
}

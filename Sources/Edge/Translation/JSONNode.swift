/// A JSON value built by the edge itself (error bodies, OpenAPI, query parameters), written with
/// members in insertion order so every document is deterministic.
enum JSONNode: Sendable, Equatable {
    case object([(String, JSONNode)])
    case array([JSONNode])
    case string(String)
    /// A number token written as is (the caller guarantees JSON number syntax).
    case number(String)
    case bool(Bool)
    case null
    /// Text that is already JSON (a message the proto3 mapping wrote).
    case raw([UInt8])

    static func == (lhs: JSONNode, rhs: JSONNode) -> Bool {
        switch (lhs, rhs) {
        case (.object(let l), .object(let r)): l.count == r.count && zip(l, r).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let l), .array(let r)): l == r
        case (.string(let l), .string(let r)): l == r
        case (.number(let l), .number(let r)): l == r
        case (.bool(let l), .bool(let r)): l == r
        case (.null, .null): true
        case (.raw(let l), .raw(let r)): l == r
        default: false
        }
    }

    /// An integer number.
    static func int(_ value: Int) -> JSONNode { .number(String(value)) }

    /// The UTF-8 text of this value.
    var utf8: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    /// Appends the text of this value to `out`.
    func write(to out: inout [UInt8]) {
        switch self {
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(member.0, to: &out)
                out.append(UInt8(ascii: ":"))
                member.1.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string(let text):
            JSONText.appendString(text, to: &out)
        case .number(let token):
            out.append(contentsOf: token.utf8)
        case .bool(let value):
            out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null:
            out.append(contentsOf: "null".utf8)
        case .raw(let bytes):
            out.append(contentsOf: bytes)
        }
    }
}

/// JSON text helpers.
enum JSONText {
    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends `text` as a JSON string literal (quotes, escapes, control characters as \u00XX).
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether `bytes` hold only JSON whitespace (an empty body means an empty message).
    static func isBlank(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }
}

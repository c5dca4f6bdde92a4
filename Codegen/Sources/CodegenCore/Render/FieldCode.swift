/// The Swift expressions that move one field value between the C struct and Swift.
enum FieldCode {
    /// A Swift expression reading the C value `c` (never a NULL message pointer).
    static func read(_ value: FieldModel.ValueKind, _ c: String) -> String {
        switch value {
        case .scalar(let type, _): type == "Bool" ? "\(c) != 0" : c
        case .string: "try CMessageReader.string(\(c))"
        case .bytes: "CMessageReader.bytes(count: \(c).len, data: \(c).data)"
        case .enumeration(let entry): "\(entry.swiftName)(protoNumber: Int32(truncatingIfNeeded: \(c).rawValue))"
        case .message(let entry): "try CMessageReader.message(UnsafeRawPointer(\(c)), as: \(entry.swiftName).self)"
        }
    }

    /// Statements that end with the C value for Swift `v` in `result` (using `arena`).
    static func write(_ value: FieldModel.ValueKind, _ v: String, into result: String) -> [String] {
        switch value {
        case .scalar(let type, _):
            type == "Bool" ? ["let \(result): protobuf_c_boolean = \(v) ? 1 : 0"] : ["let \(result) = \(v)"]
        case .string: ["let \(result) = try arena.cString(\(v))"]
        case .bytes:
            [
                "let \(result)Bytes = arena.bytes(\(v))",
                "let \(result) = ProtobufCBinaryData(len: \(result)Bytes.count, data: \(result)Bytes.data)",
            ]
        case .enumeration(let entry):
            ["let \(result) = \(entry.cTypeName)(rawValue: .init(truncatingIfNeeded: \(v).protoNumber))"]
        case .message(let entry):
            ["let \(result): UnsafeMutablePointer<\(entry.cTypeName)>? = try arena.message(\(v), as: \(entry.cTypeName).self)"]
        }
    }

    /// The C element type of a repeated field of this kind.
    static func cElementType(_ value: FieldModel.ValueKind) -> String {
        switch value {
        case .scalar(let type, _): type == "Bool" ? "protobuf_c_boolean" : type
        case .string: "UnsafeMutablePointer<CChar>?"
        case .bytes: "ProtobufCBinaryData"
        case .enumeration(let entry): entry.cTypeName
        case .message(let entry): "UnsafeMutablePointer<\(entry.cTypeName)>?"
        }
    }

    /// Whether the proto3 default of this kind is the Swift value `v` (for presence-free fields).
    static func defaultValue(_ field: FieldModel) -> String {
        switch field.value {
        case .scalar(let type, _): type == "Bool" ? "false" : "0"
        case .string: "\"\""
        case .bytes: "[]"
        case .enumeration: ".init()"
        case .message(let entry): "\(entry.swiftName)()"
        }
    }
}

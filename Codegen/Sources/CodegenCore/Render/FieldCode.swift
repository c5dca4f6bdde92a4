/// The Swift expressions that move one field value between the C struct and Swift.
enum FieldCode {
    /// A Swift expression reading the C value `c` (never a NULL message pointer) of the field
    /// named `field` in the .proto (errors name it).
    static func read(_ value: FieldModel.ValueKind, _ c: String, field: String) -> String {
        switch value {
        case .scalar(let type, _): type == "Bool" ? "\(c) != 0" : c
        case .string: "try CMessageReader.string(\(c), field: \"\(field)\")"
        case .bytes: "CMessageReader.bytes(count: \(c).len, data: \(c).data)"
        case .enumeration(let entry): "\(entry.swiftName)(protoNumber: Int32(truncatingIfNeeded: \(c).rawValue))"
        case .message(let entry): "try CMessageReader.message(UnsafeRawPointer(\(c)), as: \(entry.swiftName).self)"
        }
    }

    /// The C value for the Swift value `v`, allocated in `arena`: `setup` statements (which may
    /// declare `scratch`) followed by the expression `value`.
    static func write(_ value: FieldModel.ValueKind, _ v: String, scratch: String) -> (setup: [String], value: String) {
        switch value {
        case .scalar(let type, _):
            return ([], type == "Bool" ? "\(v) ? 1 : 0" : v)
        case .string:
            return ([], "try arena.cString(\(v))")
        case .bytes:
            return (["let \(scratch) = arena.bytes(\(v))"], "ProtobufCBinaryData(len: \(scratch).count, data: \(scratch).data)")
        case .enumeration(let entry):
            return ([], "\(entry.cTypeName)(rawValue: .init(truncatingIfNeeded: \(v).protoNumber))")
        case .message(let entry):
            return ([], "try arena.message(\(v), as: \(entry.cTypeName).self)")
        }
    }

    /// Whether this is a float or double, whose -0.0 protobuf-c drops when presence is implicit.
    static func isFloatingPoint(_ value: FieldModel.ValueKind) -> Bool {
        if case .scalar(_, let protoType) = value { return protoType == 1 || protoType == 2 }
        return false
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

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
            // Initialized by its protoc-c __init directly, not through protobuf_c_message_init.
            return ([], "try arena.message(\(v), as: \(entry.cTypeName).self, initializer: \(entry.cLowerName)__init)")
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

    // MARK: Packed-size bound
    //
    // Encoding sizes its output by an upper bound of what protobuf-c's `pack` writes, which
    // checks no bounds, so every byte pack can write must be counted: generated `_writeC` adds
    // the parts below, `ProtoArena.cString`/`bytes` add each string's length and length prefix,
    // `setUnknownFields` and `keepNegativeZero` what they attach. A sub-message's own fields are
    // counted by its `_writeC`.

    /// The bytes of the tag of field `number` (its varint of `number << 3`).
    static func tagSize(_ number: Int) -> Int {
        var value = UInt64(number) << 3, size = 1
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }

    /// Most bytes one value of this kind takes after its tag, less what the arena counts itself:
    /// scalars at their widest (negative int32 and enum values take 10), a sub-message's length
    /// prefix (at most 5: pack writes lengths as 32-bit varints), nothing for strings and bytes.
    static func maxValueSize(_ value: FieldModel.ValueKind) -> Int {
        switch value {
        case .scalar(_, let protoType):
            switch protoType {
            case 1, 6, 16: 8  // double, fixed64, sfixed64
            case 2, 7, 15: 4  // float, fixed32, sfixed32
            case 8: 1  // bool
            case 13, 17: 5  // uint32, sint32
            default: 10  // int64, uint64, int32, sint64
            }
        case .enumeration: 10
        case .string, .bytes: 0
        case .message: 5
        }
    }

    /// The part of a message's bound that does not depend on its values: every singular field
    /// (set or not), the widest member of each oneof, and a packed header (tag and 5-byte length)
    /// for each repeated field.
    static func fixedPackedBound(_ message: MessageModel) -> Int {
        var total = 0
        for field in message.fields {
            switch field.storage {
            case .plain, .optional, .boxed: total += tagSize(field.number) + maxValueSize(field.value)
            case .repeated: total += tagSize(field.number) + 5
            case .map, .oneof: break
            }
        }
        for oneof in message.oneofs {
            total += oneof.members.map { tagSize($0.number) + maxValueSize($0.value) }.max() ?? 0
        }
        return total
    }

    /// Per element of a repeated field: a tag and the widest value, which covers both the packed
    /// form (no tag per element) and the unpacked one.
    static func elementPackedBound(_ field: FieldModel) -> Int {
        tagSize(field.number) + maxValueSize(field.value)
    }

    /// Per map entry: its tag and length prefix, then key and value (fields 1 and 2) with theirs.
    static func entryPackedBound(_ field: FieldModel, key: FieldModel, value: FieldModel) -> Int {
        tagSize(field.number) + 5 + 1 + maxValueSize(key.value) + 1 + maxValueSize(value.value)
    }
}

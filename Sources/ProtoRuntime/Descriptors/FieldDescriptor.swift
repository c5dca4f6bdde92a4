internal import CProtobufC

/// One field of a message: name, number, type, label, and where protobuf-c keeps it in the C struct.
public struct FieldDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// The message that declares the field.
    public let message: MessageDescriptor
    let index: Int

    var raw: ProtobufCFieldDescriptor { message.raw.pointee.fields[index] }

    /// The name as written in the .proto file, e.g. `birth_date`.
    public var name: String { String(cString: raw.name) }

    /// The proto3 JSON name: lowerCamelCase of the proto name, as protoc derives it.
    public var jsonName: String { Self.jsonName(of: name) }

    /// The field number.
    public var number: Int32 { Int32(bitPattern: raw.id) }

    /// The declared type.
    public var type: FieldType { FieldType(raw) }

    /// Singular, optional (with presence) or repeated.
    public var label: FieldLabel {
        switch raw.label {
        case PROTOBUF_C_LABEL_REPEATED: .repeated
        case PROTOBUF_C_LABEL_NONE: isOneofMember || raw.type == PROTOBUF_C_TYPE_MESSAGE ? .optional : .singular
        default: .optional
        }
    }

    /// Whether the field belongs to a `oneof`.
    public var isOneofMember: Bool { raw.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 }

    /// Whether repeated scalars are written packed.
    public var isPacked: Bool { raw.flags & UInt32(PROTOBUF_C_FIELD_FLAG_PACKED.rawValue) != 0 }

    /// Whether this is a `map<K, V>` field (a repeated field of a map-entry message).
    public var isMap: Bool {
        guard raw.label == PROTOBUF_C_LABEL_REPEATED, case .message(let entry) = type else { return false }
        return entry.isMapEntry
    }

    /// Byte offset of the value (or the array pointer) in the C struct.
    var offset: Int { Int(raw.offset) }

    /// Byte offset of the quantifier: the element count, the oneof case, or the `has_` flag.
    var quantifierOffset: Int { Int(raw.quantifier_offset) }

    /// protoc's `ToJsonName`: drop underscores and capitalize the letter after each one.
    public static func jsonName(of protoName: String) -> String {
        var result = ""
        result.reserveCapacity(protoName.utf8.count)
        var capitalizeNext = false
        for character in protoName {
            if character == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += character.uppercased()
                capitalizeNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }

    public var description: String { "\(message.fullName).\(name)" }
}

internal import CProtobufC

/// The declared type of a field.
public enum FieldType: Sendable, Hashable {
    case int32, sint32, sfixed32, int64, sint64, sfixed64
    case uint32, fixed32, uint64, fixed64
    case float, double, bool
    case `enum`(EnumDescriptor)
    case string, bytes
    case message(MessageDescriptor)

    /// Whether values of this type are integers that JSON writes as strings (the 64-bit ones).
    public var is64Bit: Bool {
        switch self {
        case .int64, .sint64, .sfixed64, .uint64, .fixed64: true
        default: false
        }
    }
}

/// How many values a field holds.
public enum FieldLabel: Sendable, Hashable {
    /// proto3 singular field without presence: absent means the default value.
    case singular
    /// A singular field with presence: proto2 `optional`/`required`, a message, or a oneof member.
    case optional
    /// A repeated field (maps are repeated entry messages).
    case repeated
}

extension FieldType {
    init(_ field: ProtobufCFieldDescriptor) {
        switch field.type {
        case PROTOBUF_C_TYPE_INT32: self = .int32
        case PROTOBUF_C_TYPE_SINT32: self = .sint32
        case PROTOBUF_C_TYPE_SFIXED32: self = .sfixed32
        case PROTOBUF_C_TYPE_INT64: self = .int64
        case PROTOBUF_C_TYPE_SINT64: self = .sint64
        case PROTOBUF_C_TYPE_SFIXED64: self = .sfixed64
        case PROTOBUF_C_TYPE_UINT32: self = .uint32
        case PROTOBUF_C_TYPE_FIXED32: self = .fixed32
        case PROTOBUF_C_TYPE_UINT64: self = .uint64
        case PROTOBUF_C_TYPE_FIXED64: self = .fixed64
        case PROTOBUF_C_TYPE_FLOAT: self = .float
        case PROTOBUF_C_TYPE_DOUBLE: self = .double
        case PROTOBUF_C_TYPE_BOOL: self = .bool
        case PROTOBUF_C_TYPE_ENUM:
            self = .enum(EnumDescriptor(field.descriptor.assumingMemoryBound(to: ProtobufCEnumDescriptor.self)))
        case PROTOBUF_C_TYPE_STRING: self = .string
        case PROTOBUF_C_TYPE_BYTES: self = .bytes
        default:
            self = .message(
                MessageDescriptor(field.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)))
        }
    }
}

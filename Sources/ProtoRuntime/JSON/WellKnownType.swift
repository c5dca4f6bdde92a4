internal import CProtobufC
internal import CProtoWKT

/// The well-known types whose JSON form differs from a plain object, identified by full name so
/// the mapping needs no Swift types for them.
enum WellKnownType: Sendable, Hashable {
    case any, timestamp, duration, fieldMask, `struct`, value, listValue
    /// One of the nine wrappers (`google.protobuf.Int64Value`, ...): JSON is the bare `value`.
    case wrapper

    init?(fullName: String) {
        switch fullName {
        case "google.protobuf.Any": self = .any
        case "google.protobuf.Timestamp": self = .timestamp
        case "google.protobuf.Duration": self = .duration
        case "google.protobuf.FieldMask": self = .fieldMask
        case "google.protobuf.Struct": self = .struct
        case "google.protobuf.Value": self = .value
        case "google.protobuf.ListValue": self = .listValue
        case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
            "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
            "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
            self = .wrapper
        default: return nil
        }
    }

    /// The enum whose only value is written as JSON `null`.
    static let nullValueEnumName = "google.protobuf.NullValue"

    /// Descriptors of every well-known message type in CProtoWKT.
    ///
    /// Each address is read from a message after its C `__init`, which stores the real static
    /// descriptor; taking the address of the imported global from Swift can yield a stack copy.
    static let descriptors: [MessageDescriptor] = {
        func descriptor<T>(_ empty: T, _ initialize: (UnsafeMutablePointer<T>) -> Void) -> MessageDescriptor {
            var message = empty
            initialize(&message)
            return withUnsafeBytes(of: &message) { raw in
                // Force-unwrap: `__init` always sets the descriptor.
                MessageDescriptor(raw.load(as: ProtobufCMessage.self).descriptor!)
            }
        }
        return [
            descriptor(Google__Protobuf__Any(), google__protobuf__any__init),
            descriptor(Google__Protobuf__Timestamp(), google__protobuf__timestamp__init),
            descriptor(Google__Protobuf__Duration(), google__protobuf__duration__init),
            descriptor(Google__Protobuf__FieldMask(), google__protobuf__field_mask__init),
            descriptor(Google__Protobuf__Struct(), google__protobuf__struct__init),
            descriptor(Google__Protobuf__Value(), google__protobuf__value__init),
            descriptor(Google__Protobuf__ListValue(), google__protobuf__list_value__init),
            descriptor(Google__Protobuf__Empty(), google__protobuf__empty__init),
            descriptor(Google__Protobuf__DoubleValue(), google__protobuf__double_value__init),
            descriptor(Google__Protobuf__FloatValue(), google__protobuf__float_value__init),
            descriptor(Google__Protobuf__Int64Value(), google__protobuf__int64_value__init),
            descriptor(Google__Protobuf__UInt64Value(), google__protobuf__uint64_value__init),
            descriptor(Google__Protobuf__Int32Value(), google__protobuf__int32_value__init),
            descriptor(Google__Protobuf__UInt32Value(), google__protobuf__uint32_value__init),
            descriptor(Google__Protobuf__BoolValue(), google__protobuf__bool_value__init),
            descriptor(Google__Protobuf__StringValue(), google__protobuf__string_value__init),
            descriptor(Google__Protobuf__BytesValue(), google__protobuf__bytes_value__init),
        ]
    }()
}

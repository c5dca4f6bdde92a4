internal import CProtobufC
import Synchronization

/// How a field's values are stored in the C struct, reduced to what JSON distinguishes.
enum JSONValueKind: Sendable, Equatable {
    case int32, uint32, int64, uint64, float, double, bool, `enum`, string, bytes, message

    /// Bytes one value occupies in a repeated field's C array.
    var elementSize: Int {
        switch self {
        case .int32, .uint32, .float, .bool, .enum: 4
        case .int64, .uint64, .double: 8
        case .string, .message: MemoryLayout<UnsafeRawPointer>.stride
        case .bytes: MemoryLayout<ProtobufCBinaryData>.stride
        }
    }
}

/// Where a field's presence is recorded in the C struct.
enum JSONPresence: Sendable, Equatable {
    /// proto3 singular scalar: present when not the default value.
    case implicit
    /// proto2 optional scalar or bytes: `has_` flag at the quantifier offset.
    case hasFlag
    /// Message, or proto2 optional string: a pointer, NULL (or the default) when absent.
    case pointer
    /// proto2 required: always present.
    case required
    /// oneof member: the case number at the quantifier offset.
    case oneof
    /// repeated field (maps included): element count at the quantifier offset, array at the offset.
    case repeated
}

/// One field as the JSON mapping sees it, computed once per message type.
struct JSONFieldPlan: @unchecked Sendable {
    // @unchecked: the pointers refer to immutable static descriptors and defaults.
    let protoName: String
    let jsonName: String
    /// `"jsonName":` and `"proto_name":`, ready to append.
    let jsonKey: [UInt8]
    let protoKey: [UInt8]
    let number: UInt32
    let kind: JSONValueKind
    let presence: JSONPresence
    let offset: Int
    let quantifierOffset: Int
    let enumDescriptor: EnumDescriptor?
    let messageDescriptor: MessageDescriptor?
    /// The proto2 default of an optional string (pack treats a pointer to it as absent).
    let defaultValue: UnsafeRawPointer?
    /// A map field: repeated entries of `messageDescriptor` with `key` (1) and `value` (2).
    let isMap: Bool
    /// An enum field of type `google.protobuf.NullValue`, written as `null`.
    let isNullValue: Bool

    init(_ raw: ProtobufCFieldDescriptor) {
        protoName = String(cString: raw.name)
        jsonName = FieldDescriptor.jsonName(of: protoName)
        jsonKey = Self.key(jsonName)
        protoKey = Self.key(protoName)
        number = raw.id
        offset = Int(raw.offset)
        quantifierOffset = Int(raw.quantifier_offset)
        defaultValue = raw.default_value
        var enumDescriptor: EnumDescriptor? = nil
        var messageDescriptor: MessageDescriptor? = nil
        switch raw.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32: kind = .int32
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32: kind = .uint32
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64: kind = .int64
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64: kind = .uint64
        case PROTOBUF_C_TYPE_FLOAT: kind = .float
        case PROTOBUF_C_TYPE_DOUBLE: kind = .double
        case PROTOBUF_C_TYPE_BOOL: kind = .bool
        case PROTOBUF_C_TYPE_ENUM:
            kind = .enum
            enumDescriptor = EnumDescriptor(raw.descriptor.assumingMemoryBound(to: ProtobufCEnumDescriptor.self))
        case PROTOBUF_C_TYPE_STRING: kind = .string
        case PROTOBUF_C_TYPE_BYTES: kind = .bytes
        default:
            kind = .message
            messageDescriptor = MessageDescriptor(raw.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
        }
        self.enumDescriptor = enumDescriptor
        self.messageDescriptor = messageDescriptor
        isNullValue = enumDescriptor?.fullName == WellKnownType.nullValueEnumName
        let isOneof = raw.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0
        switch raw.label {
        case PROTOBUF_C_LABEL_REPEATED: presence = .repeated
        case PROTOBUF_C_LABEL_REQUIRED: presence = .required
        case PROTOBUF_C_LABEL_OPTIONAL:
            presence = isOneof ? .oneof : (kind == .message || kind == .string ? .pointer : .hasFlag)
        default:
            presence = isOneof ? .oneof : (kind == .message ? .pointer : .implicit)
        }
        isMap = presence == .repeated && (messageDescriptor?.isMapEntry ?? false)
    }

    private static func key(_ name: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.appendString(name)
        writer.append(byte: UInt8(ascii: ":"))
        return writer.bytes
    }
}

/// A message type as the JSON mapping sees it: its fields, their names for lookup, and whether it
/// is a well-known type with a special form. Built once per type and shared.
final class JSONMessagePlan: Sendable {
    let descriptor: MessageDescriptor
    let fullName: String
    let wellKnown: WellKnownType?
    let fields: [JSONFieldPlan]
    /// Proto names and JSON names to indexes in `fields`.
    private let indexByName: [String: Int]

    private init(_ descriptor: MessageDescriptor) {
        self.descriptor = descriptor
        fullName = descriptor.fullName
        wellKnown = WellKnownType(fullName: fullName)
        let raw = descriptor.raw.pointee
        fields = (0..<Int(raw.n_fields)).map { JSONFieldPlan(raw.fields[$0]) }
        var indexByName: [String: Int] = [:]
        for (index, field) in fields.enumerated() {
            indexByName[field.protoName] = index
            // protoc rejects a JSON name that collides with another field's name, so this never
            // shadows a different field.
            if indexByName[field.jsonName] == nil { indexByName[field.jsonName] = index }
        }
        self.indexByName = indexByName
    }

    /// The index of the field a JSON member names (JSON name or proto name).
    func fieldIndex(named name: String) -> Int? { indexByName[name] }

    /// The field with number `number`.
    func field(number: UInt32) -> JSONFieldPlan? { fields.first { $0.number == number } }

    private static let cache = Mutex<[MessageDescriptor: JSONMessagePlan]>([:])

    /// The shared plan for `descriptor`.
    static func of(_ descriptor: MessageDescriptor) -> JSONMessagePlan {
        if let plan = cache.withLock({ $0[descriptor] }) { return plan }
        let plan = JSONMessagePlan(descriptor)
        return cache.withLock { plans in
            if let existing = plans[descriptor] { return existing }
            plans[descriptor] = plan
            return plan
        }
    }
}

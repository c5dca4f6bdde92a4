/// A field as the renderers need it: Swift and C names, Swift type, how it is stored.
struct FieldModel {
    enum ValueKind {
        /// Numbers and bools: the C value converts directly.
        case scalar(swiftType: String, protoType: Int)
        case string
        case bytes
        case enumeration(TypeIndex.Entry)
        case message(TypeIndex.Entry)
    }

    indirect enum Storage {
        /// proto3 singular without presence.
        case plain
        /// Singular with presence: a message field, or a one-field oneof named `_<field>`.
        case optional(syntheticOneof: String?)
        /// Boxed message field (the type contains this message).
        case boxed
        case repeated
        case map(key: FieldModel, value: FieldModel)
        /// A member of the oneof at this index.
        case oneof(Int)
    }

    var proto: FieldProto
    var swiftName: String
    var cName: String
    var value: ValueKind
    var storage: Storage

    var number: Int { proto.number }

    /// The Swift type of one value.
    var swiftValueType: String {
        switch value {
        case .scalar(let type, _): type
        case .string: "String"
        case .bytes: "[UInt8]"
        case .enumeration(let entry), .message(let entry): entry.swiftName
        }
    }

    static func scalarType(_ protoType: Int) -> String? {
        switch protoType {
        case 1: "Double"
        case 2: "Float"
        case 3, 16, 18: "Int64"
        case 4, 6: "UInt64"
        case 5, 15, 17: "Int32"
        case 7, 13: "UInt32"
        case 8: "Bool"
        default: nil
        }
    }

    static func value(of field: FieldProto, index: TypeIndex) throws(CodegenError) -> ValueKind {
        if let scalar = scalarType(field.type) { return .scalar(swiftType: scalar, protoType: field.type) }
        switch field.type {
        case 9: return .string
        case 12: return .bytes
        case 14: return .enumeration(try index.resolve(field.typeName))
        case 11: return .message(try index.resolve(field.typeName))
        default: throw CodegenError("field \(field.name): groups are not supported")
        }
    }
}

internal import CProtobufC

extension ProtoArena {
    /// Makes pack write every -0.0 held by a presence-free `float`/`double` field of the C
    /// message tree at `message` (of type `descriptor`), the way generated `_writeC` does with
    /// `keepNegativeZero` field by field.
    ///
    /// For C messages built from descriptors alone (`ProtoJSON.decode`): protobuf-c's pack skips
    /// such a field when it compares equal to zero, so -0.0 would be lost. Each one goes out as an
    /// unknown field of the same number, which every decoder reads back into the field. The tree
    /// is walked to `maxDepth` levels (it was built within that depth).
    mutating func keepNegativeZeros(in message: UnsafeMutableRawPointer, descriptor: MessageDescriptor, maxDepth: Int) {
        guard maxDepth > 0 else { return }
        let raw = descriptor.raw
        for index in 0..<Int(raw.pointee.n_fields) {
            let field = raw.pointee.fields + index
            let slot = message + Int(field.pointee.offset)
            switch field.pointee.type {
            case PROTOBUF_C_TYPE_DOUBLE, PROTOBUF_C_TYPE_FLOAT:
                // Repeated values and oneof members are written whatever their value.
                guard field.pointee.label == PROTOBUF_C_LABEL_NONE,
                    field.pointee.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) == 0
                else { continue }
                if field.pointee.type == PROTOBUF_C_TYPE_DOUBLE {
                    keepNegativeZero(slot.load(as: Double.self), number: field.pointee.id, message: message)
                } else {
                    keepNegativeZero(slot.load(as: Float.self), number: field.pointee.id, message: message)
                }
            case PROTOBUF_C_TYPE_MESSAGE:
                let nested = MessageDescriptor(field.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
                if field.pointee.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 {
                    let selected = message.load(fromByteOffset: Int(field.pointee.quantifier_offset), as: UInt32.self)
                    guard selected == field.pointee.id else { continue }
                }
                if field.pointee.label == PROTOBUF_C_LABEL_REPEATED {
                    let count = message.load(fromByteOffset: Int(field.pointee.quantifier_offset), as: Int.self)
                    guard count > 0, let elements = slot.load(as: UnsafeMutablePointer<UnsafeMutableRawPointer?>?.self)
                    else { continue }
                    for element in 0..<count {
                        if let child = elements[element] {
                            keepNegativeZeros(in: child, descriptor: nested, maxDepth: maxDepth - 1)
                        }
                    }
                } else if let child = slot.load(as: UnsafeMutableRawPointer?.self) {
                    keepNegativeZeros(in: child, descriptor: nested, maxDepth: maxDepth - 1)
                }
            default:
                continue
            }
        }
    }
}

internal import CProtobufC

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes proto3 JSON by walking a protobuf-c message with its descriptor: one implementation for
/// every message type, whether the C struct came from `unpack` or was built from a Swift value.
struct CMessageJSONEncoder {
    var writer = JSONWriter()
    let options: JSONEncodingOptions
    private(set) var depth = 0
    /// What is left of the decoded-size bound for `Any` payloads, which are unpacked as they are
    /// written, and the bound itself (`DecodingLimits.maxDecodedBytes`).
    var decodedBudget: Int
    let decodedLimit: Int

    /// The JSON text of the C message at `message`, whose type is `descriptor`; `Any` payloads
    /// are decoded within `decodedBudget` bytes of memory in all (of `decodedLimit`).
    static func encode(
        _ message: UnsafeRawPointer,
        descriptor: MessageDescriptor,
        options: JSONEncodingOptions,
        decodedBudget: Int = DecodingLimits.default.maxDecodedBytes,
        decodedLimit: Int = DecodingLimits.default.maxDecodedBytes
    ) throws(ProtoError) -> [UInt8] {
        var encoder = CMessageJSONEncoder(options: options, decodedBudget: decodedBudget, decodedLimit: decodedLimit)
        try encoder.writeMessage(message, plan: .of(descriptor))
        return encoder.writer.bytes
    }

    private init(options: JSONEncodingOptions, decodedBudget: Int, decodedLimit: Int) {
        self.options = options
        self.decodedBudget = decodedBudget
        self.decodedLimit = decodedLimit
    }

    /// One message: its well-known form, or an object of its present fields.
    mutating func writeMessage(_ message: UnsafeRawPointer, plan: JSONMessagePlan) throws(ProtoError) {
        try enter()
        defer { depth -= 1 }
        if let wellKnown = plan.wellKnown {
            try writeWellKnown(wellKnown, message, plan: plan)
            return
        }
        writer.append(byte: UInt8(ascii: "{"))
        var first = true
        try writeFields(message, plan: plan, first: &first)
        writer.append(byte: UInt8(ascii: "}"))
    }

    /// The present fields as `"name":value` members, each preceded by a comma unless `first`.
    mutating func writeFields(_ message: UnsafeRawPointer, plan: JSONMessagePlan, first: inout Bool) throws(ProtoError) {
        for field in plan.fields {
            do throws(ProtoError) {
                try writeField(field, of: message, first: &first)
            } catch {
                throw error.nested(under: field.protoName)
            }
        }
    }

    /// Counts one level of message nesting against `maxDepth`.
    mutating func enter() throws(ProtoError) {
        depth += 1
        guard depth <= options.maxDepth else {
            throw ProtoError(.tooDeep, "messages nested deeper than \(options.maxDepth) levels")
        }
    }

    mutating func leave() { depth -= 1 }

    private mutating func writeField(_ field: JSONFieldPlan, of message: UnsafeRawPointer, first: inout Bool) throws(ProtoError) {
        let slot = message + field.offset
        switch field.presence {
        case .repeated:
            let count = message.load(fromByteOffset: field.quantifierOffset, as: Int.self)
            guard count > 0 || options.emitDefaultValues else { return }
            writeKey(field, first: &first)
            let array = slot.load(as: UnsafeRawPointer?.self)
            if field.isMap {
                try writeMap(field, entries: array, count: count)
            } else {
                try writeArray(field, elements: array, count: count)
            }
            return
        case .oneof:
            guard message.load(fromByteOffset: field.quantifierOffset, as: UInt32.self) == field.number else { return }
        case .pointer:
            guard let pointer = slot.load(as: UnsafeRawPointer?.self), pointer != field.defaultValue else { return }
        case .hasFlag:
            guard message.load(fromByteOffset: field.quantifierOffset, as: Int32.self) != 0 else { return }
        case .required:
            break
        case .implicit:
            guard options.emitDefaultValues || !Self.isDefault(slot, kind: field.kind) else { return }
        }
        writeKey(field, first: &first)
        try writeValue(slot, field: field)
    }

    private mutating func writeKey(_ field: JSONFieldPlan, first: inout Bool) {
        if !first { writer.append(byte: UInt8(ascii: ",")) }
        first = false
        writer.append(raw: options.useProtoFieldNames ? field.protoKey : field.jsonKey)
    }

    mutating func writeArray(_ field: JSONFieldPlan, elements: UnsafeRawPointer?, count: Int) throws(ProtoError) {
        writer.append(byte: UInt8(ascii: "["))
        if let elements {
            let stride = field.kind.elementSize
            for index in 0..<count {
                if index > 0 { writer.append(byte: UInt8(ascii: ",")) }
                do throws(ProtoError) {
                    try writeValue(elements + index * stride, field: field)
                } catch {
                    throw error.nested(under: "[\(index)]")
                }
            }
        }
        writer.append(byte: UInt8(ascii: "]"))
    }

    /// A map as an object keyed by the stringified keys. When the wire repeated a key, the last
    /// entry wins, as it does when a binary decoder builds the map.
    mutating func writeMap(_ field: JSONFieldPlan, entries: UnsafeRawPointer?, count: Int) throws(ProtoError) {
        writer.append(byte: UInt8(ascii: "{"))
        // Force-unwrap: a map field always has an entry message type.
        let entryPlan = JSONMessagePlan.of(field.messageDescriptor!)
        if let entries, let keyField = entryPlan.field(number: 1), let valueField = entryPlan.field(number: 2) {
            let pointers = entries.assumingMemoryBound(to: UnsafeRawPointer.self)
            var keys: [[UInt8]] = []
            keys.reserveCapacity(count)
            for index in 0..<count {
                keys.append(mapKey(pointers[index] + keyField.offset, kind: keyField.kind))
            }
            var lastIndex: [[UInt8]: Int] = [:]
            if count > 1 {
                for (index, key) in keys.enumerated() { lastIndex[key] = index }
            }
            var first = true
            for index in 0..<count where count == 1 || lastIndex[keys[index]] == index {
                if !first { writer.append(byte: UInt8(ascii: ",")) }
                first = false
                writer.append(raw: keys[index])
                writer.append(byte: UInt8(ascii: ":"))
                do throws(ProtoError) {
                    try enter()
                    defer { leave() }
                    try writeValue(pointers[index] + valueField.offset, field: valueField)
                } catch {
                    throw error.nested(under: "[\(String(decoding: keys[index].dropFirst().dropLast(), as: UTF8.self))]")
                }
            }
        }
        writer.append(byte: UInt8(ascii: "}"))
    }

    /// A map key as a quoted JSON string: numbers in decimal, bools as `"true"`/`"false"`.
    private func mapKey(_ slot: UnsafeRawPointer, kind: JSONValueKind) -> [UInt8] {
        var key = JSONWriter()
        switch kind {
        case .int32: key.appendQuotedInteger(slot.load(as: Int32.self))
        case .uint32: key.appendQuotedInteger(slot.load(as: UInt32.self))
        case .int64: key.appendQuotedInteger(slot.load(as: Int64.self))
        case .uint64: key.appendQuotedInteger(slot.load(as: UInt64.self))
        case .bool: slot.load(as: Int32.self) != 0 ? key.append("\"true\"") : key.append("\"false\"")
        default: key.appendString(Self.cString(slot.load(as: UnsafePointer<UInt8>?.self)))
        }
        return key.bytes
    }

    /// One value of `field` stored at `slot` (a struct member or an array element).
    mutating func writeValue(_ slot: UnsafeRawPointer, field: JSONFieldPlan) throws(ProtoError) {
        switch field.kind {
        case .int32: writer.appendInteger(slot.load(as: Int32.self))
        case .uint32: writer.appendInteger(slot.load(as: UInt32.self))
        case .int64: writer.appendQuotedInteger(slot.load(as: Int64.self))
        case .uint64: writer.appendQuotedInteger(slot.load(as: UInt64.self))
        case .float: writer.appendFloat(slot.load(as: Float.self))
        case .double: writer.appendDouble(slot.load(as: Double.self))
        case .bool: writer.appendBool(slot.load(as: Int32.self) != 0)
        case .enum: writeEnum(slot.load(as: Int32.self), field: field)
        case .string: writer.appendString(Self.cString(slot.load(as: UnsafePointer<UInt8>?.self)))
        case .bytes:
            let data = slot.load(as: ProtobufCBinaryData.self)
            writer.append(byte: UInt8(ascii: "\""))
            if data.len > 0, let bytes = data.data {
                var encoded: [UInt8] = []
                Base64.encode(UnsafeBufferPointer(start: bytes, count: data.len), into: &encoded)
                writer.append(raw: encoded)
            }
            writer.append(byte: UInt8(ascii: "\""))
        case .message:
            // Force-unwrap: message fields always carry their descriptor.
            let plan = JSONMessagePlan.of(field.messageDescriptor!)
            if let message = slot.load(as: UnsafeRawPointer?.self) {
                try writeMessage(message, plan: plan)
            } else {
                // A oneof case or map value without its message: the empty message.
                var arena = ProtoArena()
                try writeMessage(arena.allocateMessage(plan.descriptor), plan: plan)
            }
        }
    }

    /// An enum by name; numbers the enum does not declare as numbers; NullValue as `null`.
    private mutating func writeEnum(_ number: Int32, field: JSONFieldPlan) {
        if field.isNullValue {
            writer.append("null")
        } else if let descriptor = field.enumDescriptor, let value = protobuf_c_enum_descriptor_get_value(descriptor.raw, number) {
            writer.appendString(Self.cString(UnsafeRawPointer(value.pointee.name).assumingMemoryBound(to: UInt8.self)))
        } else {
            writer.appendInteger(number)
        }
    }

    /// Whether a proto3 implicit-presence value is its default (and so omitted). Floats compare
    /// by bit pattern, as protobuf-c does when packing, so -0.0 is written.
    static func isDefault(_ slot: UnsafeRawPointer, kind: JSONValueKind) -> Bool {
        switch kind {
        case .int32, .uint32, .float, .bool, .enum: return slot.load(as: UInt32.self) == 0
        case .int64, .uint64, .double: return slot.load(as: UInt64.self) == 0
        case .string:
            guard let string = slot.load(as: UnsafePointer<UInt8>?.self) else { return true }
            return string.pointee == 0
        case .bytes: return slot.load(as: ProtobufCBinaryData.self).len == 0
        case .message: return slot.load(as: UnsafeRawPointer?.self) == nil
        }
    }

    /// The bytes of a NUL-terminated C string (empty for NULL). Its UTF-8 was validated on the way
    /// in: by the wire scanner, by Swift's `String`, or by the JSON parser.
    static func cString(_ pointer: UnsafePointer<UInt8>?) -> UnsafeBufferPointer<UInt8> {
        guard let pointer else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: pointer, count: strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)))
    }
}

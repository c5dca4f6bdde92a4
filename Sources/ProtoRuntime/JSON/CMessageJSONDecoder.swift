internal import CProtobufC

/// Fills a protobuf-c message in an arena from parsed proto3 JSON, guided by the descriptor: one
/// implementation for every message type.
struct CMessageJSONDecoder {
    let options: JSONDecodingOptions
    private var depth = 0

    /// Parses `bytes` and builds the message of type `descriptor` in `arena`.
    static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>,
        descriptor: MessageDescriptor,
        options: JSONDecodingOptions,
        arena: inout ProtoArena
    ) throws(ProtoError) -> UnsafeMutableRawPointer {
        guard bytes.count <= options.maxBytes else {
            throw ProtoError(.tooLarge, "JSON of \(bytes.count) bytes exceeds the limit of \(options.maxBytes)")
        }
        let json = try JSONParser.parse(bytes, maxDepth: options.maxDepth)
        let plan = JSONMessagePlan.of(descriptor)
        if json.isNull && plan.wellKnown != .value {
            throw ProtoError(.invalidValue, "a \(plan.fullName) cannot be null at the top level")
        }
        var decoder = CMessageJSONDecoder(options: options)
        let message = arena.allocateMessage(descriptor)
        try decoder.readMessage(json, into: message, plan: plan, arena: &arena)
        return message
    }

    private init(options: JSONDecodingOptions) {
        self.options = options
    }

    /// One message from its JSON: the well-known form, or an object of fields.
    mutating func readMessage(
        _ json: JSONValue,
        into message: UnsafeMutableRawPointer,
        plan: JSONMessagePlan,
        arena: inout ProtoArena
    ) throws(ProtoError) {
        try enter()
        defer { depth -= 1 }
        if let wellKnown = plan.wellKnown {
            try readWellKnown(wellKnown, json, into: message, plan: plan, arena: &arena)
            return
        }
        guard case .object(let members) = json else {
            throw ProtoError(.invalidValue, "expected an object for \(plan.fullName), found \(json.kindName)")
        }
        try readFields(members, into: message, plan: plan, arena: &arena)
    }

    /// Counts one level of message nesting against `maxDepth`.
    mutating func enter() throws(ProtoError) {
        depth += 1
        guard depth <= options.maxDepth else {
            throw ProtoError(.tooDeep, "messages nested deeper than \(options.maxDepth) levels")
        }
    }

    mutating func leave() { depth -= 1 }

    /// The members of a JSON object as fields of `message`. Either name of a field is accepted, but
    /// only once: a field named twice, or two members of one oneof, is an error. `skipping` names
    /// a member that is not a field (`@type` of an Any).
    mutating func readFields(
        _ members: [JSONMember],
        into message: UnsafeMutableRawPointer,
        plan: JSONMessagePlan,
        arena: inout ProtoArena,
        skipping: String? = nil
    ) throws(ProtoError) {
        var seen = [Bool](repeating: false, count: plan.fields.count)
        var setOneofs: [Int] = []
        for member in members where member.key != skipping {
            guard let index = plan.fieldIndex(named: member.key) else {
                if options.ignoreUnknownFields { continue }
                throw ProtoError(.unknownField, "\(plan.fullName) has no field named \"\(member.key)\"", fieldPath: member.key)
            }
            let field = plan.fields[index]
            guard !seen[index] else {
                throw ProtoError(
                    .invalidJSON, "field \(field.protoName) of \(plan.fullName) is given more than once",
                    fieldPath: member.key)
            }
            seen[index] = true
            if field.presence == .oneof && !member.value.isNull {
                guard !setOneofs.contains(field.quantifierOffset) else {
                    throw ProtoError(
                        .invalidJSON, "\(member.key) is a second member of a oneof that is already set",
                        fieldPath: member.key)
                }
                setOneofs.append(field.quantifierOffset)
            }
            do throws(ProtoError) {
                try readField(member.value, field: field, into: message, arena: &arena)
            } catch {
                throw error.nested(under: member.key)
            }
        }
    }

    /// One field's JSON value. `null` leaves the field at its default (absent), except for
    /// google.protobuf.Value (a null Value) and NullValue enums.
    private mutating func readField(
        _ json: JSONValue,
        field: JSONFieldPlan,
        into message: UnsafeMutableRawPointer,
        arena: inout ProtoArena
    ) throws(ProtoError) {
        let slot = message + field.offset
        if field.presence == .repeated {
            if json.isNull { return }
            if field.isMap {
                try readMap(json, field: field, into: message, arena: &arena)
            } else {
                try readArray(json, field: field, into: message, arena: &arena)
            }
            return
        }
        if json.isNull && !acceptsNull(field) { return }
        guard try readValue(json, field: field, into: slot, arena: &arena) else { return }
        switch field.presence {
        case .oneof: message.storeBytes(of: field.number, toByteOffset: field.quantifierOffset, as: UInt32.self)
        case .hasFlag: message.storeBytes(of: Int32(1), toByteOffset: field.quantifierOffset, as: Int32.self)
        default: break
        }
    }

    mutating func readArray(
        _ json: JSONValue,
        field: JSONFieldPlan,
        into message: UnsafeMutableRawPointer,
        arena: inout ProtoArena
    ) throws(ProtoError) {
        guard case .array(let elements) = json else {
            throw ProtoError(.invalidValue, "expected an array for repeated field \(field.protoName), found \(json.kindName)")
        }
        guard !elements.isEmpty else { return }
        let stride = field.kind.elementSize
        let array = arena.allocate(bytes: elements.count * stride)
        var count = 0
        for (index, element) in elements.enumerated() {
            do throws(ProtoError) {
                if element.isNull && !acceptsNull(field) {
                    throw ProtoError(.invalidValue, "null is not allowed as an element of a repeated field")
                }
                if try readValue(element, field: field, into: array + count * stride, arena: &arena) { count += 1 }
            } catch {
                throw error.nested(under: "[\(index)]")
            }
        }
        message.storeBytes(of: count, toByteOffset: field.quantifierOffset, as: Int.self)
        message.storeBytes(of: array, toByteOffset: field.offset, as: UnsafeMutableRawPointer.self)
    }

    /// A map field from a JSON object whose keys are the stringified map keys.
    mutating func readMap(
        _ json: JSONValue,
        field: JSONFieldPlan,
        into message: UnsafeMutableRawPointer,
        arena: inout ProtoArena
    ) throws(ProtoError) {
        guard case .object(let members) = json else {
            throw ProtoError(.invalidValue, "expected an object for map field \(field.protoName), found \(json.kindName)")
        }
        guard !members.isEmpty else { return }
        // Force-unwrap: a map field always has an entry message type.
        let entryDescriptor = field.messageDescriptor!
        let entryPlan = JSONMessagePlan.of(entryDescriptor)
        let keyField = try entryPlan.requireField(1)
        let valueField = try entryPlan.requireField(2)
        let entries = arena.allocate(UnsafeMutableRawPointer.self, count: members.count)
        var count = 0
        for member in members {
            do throws(ProtoError) {
                // The entry is a message level of its own on the wire.
                try enter()
                defer { leave() }
                let entry = arena.allocateMessage(entryDescriptor)
                try readMapKey(member.key, field: keyField, into: entry + keyField.offset, arena: &arena)
                if member.value.isNull && !acceptsNull(valueField) {
                    throw ProtoError(.invalidValue, "map values cannot be null")
                }
                if try readValue(member.value, field: valueField, into: entry + valueField.offset, arena: &arena) {
                    entries[count] = entry
                    count += 1
                }
            } catch {
                throw error.nested(under: "[\(member.key)]")
            }
        }
        message.storeBytes(of: count, toByteOffset: field.quantifierOffset, as: Int.self)
        message.storeBytes(of: UnsafeMutableRawPointer(entries), toByteOffset: field.offset, as: UnsafeMutableRawPointer.self)
    }

    /// A map key from its JSON string form: integers in decimal, bools as `true`/`false`.
    private func readMapKey(
        _ key: String,
        field: JSONFieldPlan,
        into slot: UnsafeMutableRawPointer,
        arena: inout ProtoArena
    ) throws(ProtoError) {
        switch field.kind {
        case .string:
            slot.storeBytes(of: try arena.cString(key), as: UnsafeMutablePointer<CChar>.self)
        case .bool:
            switch key {
            case "true": slot.storeBytes(of: Int32(1), as: Int32.self)
            case "false": slot.storeBytes(of: Int32(0), as: Int32.self)
            default: throw ProtoError(.invalidValue, "map key \"\(key)\" is not \"true\" or \"false\"")
            }
        case .int32, .uint32, .int64, .uint64:
            try storeInteger(.string(key), kind: field.kind, into: slot)
        default:
            throw ProtoError(.unsupported, "map keys of this type have no JSON form")
        }
    }

    /// Whether `null` is a value of this field rather than "absent".
    func acceptsNull(_ field: JSONFieldPlan) -> Bool {
        field.isNullValue || (field.kind == .message && field.messageDescriptor.map { JSONMessagePlan.of($0).wellKnown == .value } == true)
    }
}

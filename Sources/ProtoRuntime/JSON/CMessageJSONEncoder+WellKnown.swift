internal import CProtobufC

extension CMessageJSONEncoder {
    /// The special JSON forms of the well-known types. Fields are found by number, so this works
    /// on the C structs without their Swift types.
    mutating func writeWellKnown(_ kind: WellKnownType, _ message: UnsafeRawPointer, plan: JSONMessagePlan) throws(ProtoError) {
        switch kind {
        case .wrapper:
            let field = try plan.requireField(1)
            try writeValue(message + field.offset, field: field)
        case .timestamp:
            let (seconds, nanos) = try Self.secondsAndNanos(message, plan: plan)
            guard let text = JSONTime.formatTimestamp(seconds: seconds, nanos: nanos) else {
                throw ProtoError(
                    .invalidValue,
                    "Timestamp \(seconds)s \(nanos)ns is outside 0001-01-01T00:00:00Z...9999-12-31T23:59:59.999999999Z")
            }
            writer.appendString(text)
        case .duration:
            let (seconds, nanos) = try Self.secondsAndNanos(message, plan: plan)
            guard let text = JSONTime.formatDuration(seconds: seconds, nanos: nanos) else {
                throw ProtoError(
                    .invalidValue, "Duration \(seconds)s \(nanos)ns is out of range or has mixed signs")
            }
            writer.appendString(text)
        case .fieldMask:
            try writeFieldMask(message, plan: plan)
        case .struct, .listValue:
            // Struct's map<string, Value> and ListValue's repeated Value, written like any map or
            // repeated field but without the enclosing object.
            let field = try plan.requireField(1)
            let count = message.load(fromByteOffset: field.quantifierOffset, as: Int.self)
            let elements = (message + field.offset).load(as: UnsafeRawPointer?.self)
            if kind == .struct {
                try writeMap(field, entries: elements, count: count)
            } else {
                try writeArray(field, elements: elements, count: count)
            }
        case .value:
            try writeStructValue(message, plan: plan)
        case .any:
            try writeAny(message, plan: plan)
        }
    }

    /// google.protobuf.Value: whichever kind is set, as plain JSON. An unset Value is `null`, as in
    /// the reference implementation; non-finite numbers cannot be written (they would read back
    /// as strings).
    private mutating func writeStructValue(_ message: UnsafeRawPointer, plan: JSONMessagePlan) throws(ProtoError) {
        let kindField = try plan.requireField(1)
        let setCase = message.load(fromByteOffset: kindField.quantifierOffset, as: UInt32.self)
        guard setCase != 0, setCase != 1, let field = plan.field(number: setCase) else {
            writer.append("null")
            return
        }
        if field.kind == .double {
            let number = (message + field.offset).load(as: Double.self)
            guard number.isFinite else {
                throw ProtoError(.invalidValue, "Value.number_value \(number) has no JSON form (it would read back as a string)")
            }
        }
        try writeValue(message + field.offset, field: field)
    }

    private mutating func writeFieldMask(_ message: UnsafeRawPointer, plan: JSONMessagePlan) throws(ProtoError) {
        let paths = try plan.requireField(1)
        let count = message.load(fromByteOffset: paths.quantifierOffset, as: Int.self)
        var joined: [String] = []
        if count > 0, let array = (message + paths.offset).load(as: UnsafePointer<UnsafePointer<UInt8>?>?.self) {
            for index in 0..<count {
                let path = String(decoding: Self.cString(array[index]), as: UTF8.self)
                guard let json = FieldMaskPath.toJSON(path) else {
                    throw ProtoError(
                        .invalidValue, "FieldMask path \"\(path)\" has no lowerCamelCase form that converts back",
                        fieldPath: "paths[\(index)]")
                }
                joined.append(json)
            }
        }
        writer.appendString(joined.joined(separator: ","))
    }

    /// Any: `{"@type": url, ...payload fields}`, or `{"@type": url, "value": special form}` when the
    /// payload is itself a well-known type. The payload's type comes from the registry.
    private mutating func writeAny(_ message: UnsafeRawPointer, plan: JSONMessagePlan) throws(ProtoError) {
        let urlField = try plan.requireField(1)
        let valueField = try plan.requireField(2)
        let url = Self.cString((message + urlField.offset).load(as: UnsafePointer<UInt8>?.self))
        let value = (message + valueField.offset).load(as: ProtobufCBinaryData.self)
        if url.isEmpty {
            guard value.len == 0 else {
                throw ProtoError(.invalidValue, "Any has a value but no type_url")
            }
            writer.append("{}")
            return
        }
        let typeURL = String(decoding: url, as: UTF8.self)
        guard let descriptor = options.typeRegistry.descriptor(forTypeURL: typeURL) else {
            throw ProtoError(.unknownType, "Any holds \(typeURL), which the type registry does not know")
        }
        // The payload's levels count from this one, and its memory comes out of the same bound as
        // the message holding it.
        let payload = try Self.unpack(
            value, descriptor: descriptor, maxDepth: options.maxDepth - depth, budget: &decodedBudget, limit: decodedLimit)
        defer { protobuf_c_message_free_unpacked(payload, nil) }
        let payloadPlan = JSONMessagePlan.of(descriptor)
        writer.append("{\"@type\":")
        writer.appendString(url)
        if payloadPlan.wellKnown != nil {
            writer.append(",\"value\":")
            try writeMessage(payload, plan: payloadPlan)
        } else {
            try enter()
            defer { leave() }
            var first = false
            try writeFields(payload, plan: payloadPlan, first: &first)
        }
        writer.append(byte: UInt8(ascii: "}"))
    }

    /// Unpacks an Any payload after the same checks binary decoding applies (structure, depth,
    /// decoded size, UTF-8, NUL in strings).
    private static func unpack(
        _ value: ProtobufCBinaryData,
        descriptor: MessageDescriptor,
        maxDepth: Int,
        budget: inout Int,
        limit: Int
    ) throws(ProtoError) -> UnsafeMutablePointer<ProtobufCMessage> {
        let bytes = UnsafeRawBufferPointer(start: value.data, count: value.len)
        do throws(ProtoError) {
            return try CMessageUnpacker.unpack(bytes, descriptor: descriptor, maxDepth: maxDepth, budget: &budget, limit: limit)
        } catch where error.code == .malformed {
            throw ProtoError(.malformed, "Any value is not a valid \(descriptor.fullName)")
        }
    }

    private static func secondsAndNanos(_ message: UnsafeRawPointer, plan: JSONMessagePlan) throws(ProtoError) -> (Int64, Int32) {
        let seconds = try plan.requireField(1)
        let nanos = try plan.requireField(2)
        return ((message + seconds.offset).load(as: Int64.self), (message + nanos.offset).load(as: Int32.self))
    }
}

extension JSONMessagePlan {
    /// A well-known type's field by number; a descriptor without it is not the type its name claims.
    func requireField(_ number: UInt32) throws(ProtoError) -> JSONFieldPlan {
        guard let field = field(number: number) else {
            throw ProtoError(.unsupported, "\(fullName) has no field \(number); not the well-known type")
        }
        return field
    }
}

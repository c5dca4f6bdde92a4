internal import CProtobufC

extension CMessageJSONDecoder {
    /// The special JSON forms of the well-known types, written into their C structs by field
    /// number.
    mutating func readWellKnown(
        _ kind: WellKnownType,
        _ json: JSONValue,
        into message: UnsafeMutableRawPointer,
        plan: JSONMessagePlan,
        arena: inout ProtoArena
    ) throws(ProtoError) {
        switch kind {
        case .wrapper:
            let field = try plan.requireField(1)
            _ = try readValue(json, field: field, into: message + field.offset, arena: &arena)
        case .timestamp:
            guard case .string(let text) = json, let (seconds, nanos) = JSONTime.parseTimestamp(text) else {
                throw ProtoError(
                    .invalidValue,
                    "expected an RFC 3339 timestamp between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z")
            }
            try storeSecondsAndNanos(seconds, nanos, into: message, plan: plan)
        case .duration:
            guard case .string(let text) = json, let (seconds, nanos) = JSONTime.parseDuration(text) else {
                throw ProtoError(.invalidValue, "expected a duration such as \"1.5s\" within ±315576000000s")
            }
            try storeSecondsAndNanos(seconds, nanos, into: message, plan: plan)
        case .fieldMask:
            try readFieldMask(json, into: message, plan: plan, arena: &arena)
        case .struct:
            guard case .object = json else {
                throw ProtoError(.invalidValue, "expected an object for google.protobuf.Struct, found \(json.kindName)")
            }
            try readMap(json, field: try plan.requireField(1), into: message, arena: &arena)
        case .listValue:
            guard case .array = json else {
                throw ProtoError(.invalidValue, "expected an array for google.protobuf.ListValue, found \(json.kindName)")
            }
            try readArray(json, field: try plan.requireField(1), into: message, arena: &arena)
        case .value:
            try readStructValue(json, into: message, plan: plan, arena: &arena)
        case .any:
            try readAny(json, into: message, plan: plan, arena: &arena)
        }
    }

    /// google.protobuf.Value: the JSON kind picks the oneof member.
    private mutating func readStructValue(
        _ json: JSONValue,
        into message: UnsafeMutableRawPointer,
        plan: JSONMessagePlan,
        arena: inout ProtoArena
    ) throws(ProtoError) {
        let number: UInt32
        switch json {
        case .null: number = 1
        case .number: number = 2
        case .string: number = 3
        case .bool: number = 4
        case .object: number = 5
        case .array: number = 6
        }
        let field = try plan.requireField(number)
        _ = try readValue(json, field: field, into: message + field.offset, arena: &arena)
        message.storeBytes(of: number, toByteOffset: field.quantifierOffset, as: UInt32.self)
    }

    /// FieldMask: comma-separated lowerCamelCase paths, stored as snake_case.
    private func readFieldMask(
        _ json: JSONValue,
        into message: UnsafeMutableRawPointer,
        plan: JSONMessagePlan,
        arena: inout ProtoArena
    ) throws(ProtoError) {
        guard case .string(let text) = json else {
            throw ProtoError(.invalidValue, "expected a string for google.protobuf.FieldMask, found \(json.kindName)")
        }
        guard !text.isEmpty else { return }
        let field = try plan.requireField(1)
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let paths = arena.allocate(UnsafeMutablePointer<CChar>.self, count: parts.count)
        for (index, part) in parts.enumerated() {
            guard let path = FieldMaskPath.fromJSON(String(part)) else {
                throw ProtoError(.invalidValue, "FieldMask path \"\(part)\" must be lowerCamelCase without '_'")
            }
            paths[index] = try arena.cString(path)
        }
        message.storeBytes(of: parts.count, toByteOffset: field.quantifierOffset, as: Int.self)
        message.storeBytes(of: UnsafeMutableRawPointer(paths), toByteOffset: field.offset, as: UnsafeMutableRawPointer.self)
    }

    /// Any: `@type` (anywhere in the object) names the payload type in the registry; the other
    /// members are the payload's fields, or `value` holds a well-known payload's special form.
    /// The payload is packed into the Any's `value` bytes.
    private mutating func readAny(
        _ json: JSONValue,
        into message: UnsafeMutableRawPointer,
        plan: JSONMessagePlan,
        arena: inout ProtoArena
    ) throws(ProtoError) {
        guard case .object(let members) = json else {
            throw ProtoError(.invalidValue, "expected an object for google.protobuf.Any, found \(json.kindName)")
        }
        guard !members.isEmpty else { return }
        guard let typeMember = members.first(where: { $0.key == "@type" }) else {
            throw ProtoError(.invalidValue, "google.protobuf.Any needs an \"@type\" member")
        }
        guard case .string(let typeURL) = typeMember.value else {
            throw ProtoError(.invalidValue, "\"@type\" must be a string", fieldPath: "@type")
        }
        guard let descriptor = options.typeRegistry.descriptor(forTypeURL: typeURL) else {
            throw ProtoError(.unknownType, "Any names \(typeURL), which the type registry does not know", fieldPath: "@type")
        }
        let payloadPlan = JSONMessagePlan.of(descriptor)
        let payload = arena.allocateMessage(descriptor)
        if payloadPlan.wellKnown != nil {
            for member in members where member.key != "@type" && member.key != "value" {
                if options.ignoreUnknownFields { continue }
                throw ProtoError(
                    .unknownField, "an Any holding \(descriptor.fullName) has only \"@type\" and \"value\"",
                    fieldPath: member.key)
            }
            guard let value = members.first(where: { $0.key == "value" }) else {
                throw ProtoError(.invalidValue, "an Any holding \(descriptor.fullName) needs a \"value\" member")
            }
            do throws(ProtoError) {
                try readMessage(value.value, into: payload, plan: payloadPlan, arena: &arena)
            } catch {
                throw error.nested(under: "value")
            }
        } else {
            try enter()
            defer { leave() }
            try readFields(members, into: payload, plan: payloadPlan, arena: &arena, skipping: "@type")
        }
        // pack would drop a -0.0 in a presence-free float or double of the payload.
        arena.keepNegativeZeros(in: payload, descriptor: descriptor, maxDepth: options.maxDepth)
        let packed = payload.assumingMemoryBound(to: ProtobufCMessage.self)
        let size = protobuf_c_message_get_packed_size(packed)
        let buffer = arena.allocate(UInt8.self, count: size)
        let written = protobuf_c_message_pack(packed, buffer)
        let urlField = try plan.requireField(1)
        let valueField = try plan.requireField(2)
        (message + urlField.offset).storeBytes(of: try arena.cString(typeURL), as: UnsafeMutablePointer<CChar>.self)
        (message + valueField.offset).storeBytes(
            of: ProtobufCBinaryData(len: written, data: written > 0 ? buffer : nil), as: ProtobufCBinaryData.self)
    }

    private func storeSecondsAndNanos(
        _ seconds: Int64,
        _ nanos: Int32,
        into message: UnsafeMutableRawPointer,
        plan: JSONMessagePlan
    ) throws(ProtoError) {
        (message + (try plan.requireField(1)).offset).storeBytes(of: seconds, as: Int64.self)
        (message + (try plan.requireField(2)).offset).storeBytes(of: nanos, as: Int32.self)
    }
}

internal import CProtobufC

extension CMessageJSONDecoder {
    /// Stores one value of `field` at `slot` (a struct member or an array element). Returns false
    /// when the value is skipped: an unknown enum name under `ignoreUnknownFields`.
    mutating func readValue(
        _ json: JSONValue,
        field: JSONFieldPlan,
        into slot: UnsafeMutableRawPointer,
        arena: inout ProtoArena
    ) throws(ProtoError) -> Bool {
        switch field.kind {
        case .int32, .uint32, .int64, .uint64:
            try storeInteger(json, kind: field.kind, into: slot)
        case .float:
            slot.storeBytes(of: try floatingPoint(json, parse: JSONNumber.float, nan: .nan, infinity: .infinity), as: Float.self)
        case .double:
            slot.storeBytes(of: try floatingPoint(json, parse: JSONNumber.double, nan: .nan, infinity: .infinity), as: Double.self)
        case .bool:
            guard case .bool(let value) = json else {
                throw ProtoError(.invalidValue, "expected true or false, found \(json.kindName)")
            }
            slot.storeBytes(of: Int32(value ? 1 : 0), as: Int32.self)
        case .enum:
            guard let number = try enumNumber(json, field: field) else { return false }
            slot.storeBytes(of: number, as: Int32.self)
        case .string:
            guard case .string(let value) = json else {
                throw ProtoError(.invalidValue, "expected a string, found \(json.kindName)")
            }
            slot.storeBytes(of: try arena.cString(value), as: UnsafeMutablePointer<CChar>.self)
        case .bytes:
            guard case .string(let text) = json else {
                throw ProtoError(.invalidValue, "expected a base64 string, found \(json.kindName)")
            }
            guard let decoded = Base64.decode(text) else {
                throw ProtoError(.invalidValue, "\"\(text.prefix(40))\" is not valid base64")
            }
            let (count, data) = arena.bytes(decoded)
            slot.storeBytes(of: ProtobufCBinaryData(len: count, data: data), as: ProtobufCBinaryData.self)
        case .message:
            // Force-unwrap: message fields always carry their descriptor.
            let descriptor = field.messageDescriptor!
            let message = arena.allocateMessage(descriptor)
            try readMessage(json, into: message, plan: .of(descriptor), arena: &arena)
            slot.storeBytes(of: message, as: UnsafeMutableRawPointer.self)
        }
        return true
    }

    /// An integer from a JSON number or a string holding one, exactly and within range.
    func storeInteger(_ json: JSONValue, kind: JSONValueKind, into slot: UnsafeMutableRawPointer) throws(ProtoError) {
        let text: String
        switch json {
        case .number(let number): text = number
        case .string(let string) where JSONNumberGrammar.isNumber(string): text = string
        case .string(let string): throw ProtoError(.invalidValue, "\"\(string.prefix(40))\" is not an integer")
        default: throw ProtoError(.invalidValue, "expected an integer, found \(json.kindName)")
        }
        let failure: JSONNumber.Failure?
        switch kind {
        case .int32: failure = Self.store(JSONNumber.signed(text, as: Int32.self), slot)
        case .uint32: failure = Self.store(JSONNumber.unsigned(text, as: UInt32.self), slot)
        case .int64: failure = Self.store(JSONNumber.signed(text, as: Int64.self), slot)
        default: failure = Self.store(JSONNumber.unsigned(text, as: UInt64.self), slot)
        }
        switch failure {
        case nil: return
        case .notInteger?: throw ProtoError(.invalidValue, "\(text) is not an integer")
        case .outOfRange?: throw ProtoError(.invalidValue, "\(text) is out of range for \(Self.typeName(kind))")
        case .malformed?: throw ProtoError(.invalidValue, "\(text) is not a number")
        }
    }

    private static func store<T: BitwiseCopyable>(_ result: Result<T, JSONNumber.Failure>, _ slot: UnsafeMutableRawPointer) -> JSONNumber.Failure? {
        switch result {
        case .success(let value):
            slot.storeBytes(of: value, as: T.self)
            return nil
        case .failure(let failure):
            return failure
        }
    }

    private static func typeName(_ kind: JSONValueKind) -> String {
        switch kind {
        case .int32: "int32"
        case .uint32: "uint32"
        case .int64: "int64"
        default: "uint64"
        }
    }

    /// A float or double from a JSON number, a string holding one, or "NaN"/"Infinity"/"-Infinity".
    private func floatingPoint<T: BinaryFloatingPoint>(
        _ json: JSONValue,
        parse: (String) -> Result<T, JSONNumber.Failure>,
        nan: T,
        infinity: T
    ) throws(ProtoError) -> T {
        let text: String
        switch json {
        case .number(let number): text = number
        case .string("NaN"): return nan
        case .string("Infinity"): return infinity
        case .string("-Infinity"): return -infinity
        case .string(let string) where JSONNumberGrammar.isNumber(string): text = string
        case .string(let string): throw ProtoError(.invalidValue, "\"\(string.prefix(40))\" is not a number")
        default: throw ProtoError(.invalidValue, "expected a number, found \(json.kindName)")
        }
        switch parse(text) {
        case .success(let value): return value
        case .failure(.outOfRange): throw ProtoError(.invalidValue, "\(text) is out of range for \(T.self == Float.self ? "float" : "double")")
        case .failure: throw ProtoError(.invalidValue, "\(text) is not a number")
        }
    }

    /// An enum from its name or number (proto3 enums are open: any int32 is kept). Unknown names
    /// give nil under `ignoreUnknownFields`, and an error otherwise.
    private func enumNumber(_ json: JSONValue, field: JSONFieldPlan) throws(ProtoError) -> Int32? {
        // Force-unwrap: enum fields always carry their descriptor.
        let descriptor = field.enumDescriptor!
        switch json {
        case .null where field.isNullValue:
            return 0
        case .string(let name):
            if let number = descriptor.number(named: name) { return number }
            if options.ignoreUnknownFields { return nil }
            throw ProtoError(.invalidValue, "\"\(name.prefix(40))\" is not a value of \(descriptor.fullName)")
        case .number(let text):
            switch JSONNumber.signed(text, as: Int32.self) {
            case .success(let number): return number
            case .failure: throw ProtoError(.invalidValue, "\(text) is not an int32 enum number")
            }
        default:
            throw ProtoError(.invalidValue, "expected an enum name or number, found \(json.kindName)")
        }
    }
}

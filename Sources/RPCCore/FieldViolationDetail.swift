/// A `clinic.rpc.v1.BadRequest` detail with one field violation, encoded by hand because the
/// generated API sits above this layer. Wire shape: BadRequest { repeated FieldViolation
/// field_violations = 1; } FieldViolation { string field = 1; string description = 2; }.
struct FieldViolationDetail {
    var field: String
    var description: String

    static let typeURL = "type.googleapis.com/clinic.rpc.v1.BadRequest"

    var detail: RPCError.Detail {
        var violation: [UInt8] = []
        Self.appendString(1, field, to: &violation)
        Self.appendString(2, description, to: &violation)
        var request: [UInt8] = []
        Self.appendBytes(1, violation, to: &request)
        return RPCError.Detail(typeURL: Self.typeURL, value: request)
    }

    private static func appendString(_ number: UInt64, _ text: String, to out: inout [UInt8]) {
        appendBytes(number, Array(text.utf8), to: &out)
    }

    private static func appendBytes(_ number: UInt64, _ bytes: [UInt8], to out: inout [UInt8]) {
        appendVarint(number << 3 | 2, to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out += bytes
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }
}

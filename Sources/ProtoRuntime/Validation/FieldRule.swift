/// The `(clinic.options.v1.rules)` of one field as data, for tools that describe requests (the
/// edge's OpenAPI document); `validate()` checks the same rules.
///
/// The generator renders both from one model, so they agree; a rule that means nothing for the
/// field's type is refused at generation. How the rules combine (options.proto): `minLength`,
/// `maxLength`, `format` and `pattern` apply to non-empty values only; on a repeated field
/// `isRequired` and `maxItems` apply to the list and the other rules to each element, on a map to
/// the entries; `minimum`/`maximum` bound numbers and enum numbers as set, 0 included.
public struct FieldRule: Sendable, Equatable, CustomStringConvertible {
    /// The field's proto name, as validation errors name it (`date_range`).
    public var name: String
    /// The field's JSON name (`dateRange`).
    public var jsonName: String
    /// The real oneof the field belongs to (not a proto3 `optional`'s): `isRequired` then means
    /// the oneof must have a case set, and the error names the oneof.
    public var oneof: String?
    /// Must be set: a non-empty string or bytes, a non-zero number or enum, `true`, a present
    /// message, a non-empty list or map.
    public var isRequired: Bool
    /// Length bounds of a string (in Unicode scalars) or bytes (in bytes).
    public var minLength: Int?
    public var maxLength: Int?
    /// The well-known string format values must have.
    public var format: FieldFormat?
    /// A regular expression (ICU syntax) the whole string must match.
    public var pattern: String?
    /// Inclusive bounds of a number, or of an enum's number.
    public var minimum: Int64?
    public var maximum: Int64?
    /// The most elements (entries of a map) the field may have.
    public var maxItems: Int?
    /// An enum must name a declared value.
    public var isDefinedOnly: Bool
    /// The message type of the values (elements, map values) whose own `fieldRules` apply to
    /// them, when it has any: follow it to reach the rules of nested messages.
    public var messageType: (any ProtoMessage.Type)?

    /// A field's rules; generated code passes only the ones the `.proto` declares.
    public init(
        name: String, jsonName: String, oneof: String? = nil, isRequired: Bool = false,
        minLength: Int? = nil, maxLength: Int? = nil, format: FieldFormat? = nil, pattern: String? = nil,
        minimum: Int64? = nil, maximum: Int64? = nil, maxItems: Int? = nil, isDefinedOnly: Bool = false,
        messageType: (any ProtoMessage.Type)? = nil
    ) {
        self.name = name
        self.jsonName = jsonName
        self.oneof = oneof
        self.isRequired = isRequired
        self.minLength = minLength
        self.maxLength = maxLength
        self.format = format
        self.pattern = pattern
        self.minimum = minimum
        self.maximum = maximum
        self.maxItems = maxItems
        self.isDefinedOnly = isDefinedOnly
        self.messageType = messageType
    }

    public static func == (lhs: FieldRule, rhs: FieldRule) -> Bool {
        lhs.name == rhs.name && lhs.jsonName == rhs.jsonName && lhs.oneof == rhs.oneof
            && lhs.isRequired == rhs.isRequired && lhs.minLength == rhs.minLength && lhs.maxLength == rhs.maxLength
            && lhs.format == rhs.format && lhs.pattern == rhs.pattern && lhs.minimum == rhs.minimum
            && lhs.maximum == rhs.maximum && lhs.maxItems == rhs.maxItems && lhs.isDefinedOnly == rhs.isDefinedOnly
            && lhs.messageType.map(ObjectIdentifier.init) == rhs.messageType.map(ObjectIdentifier.init)
    }

    public var description: String {
        var parts: [String] = []
        if let oneof { parts.append("oneof: \(oneof)") }
        if isRequired { parts.append("required") }
        if let minLength { parts.append("minLength: \(minLength)") }
        if let maxLength { parts.append("maxLength: \(maxLength)") }
        if let format { parts.append("format: \(format)") }
        if let pattern { parts.append("pattern: \(pattern)") }
        if let minimum { parts.append("minimum: \(minimum)") }
        if let maximum { parts.append("maximum: \(maximum)") }
        if let maxItems { parts.append("maxItems: \(maxItems)") }
        if isDefinedOnly { parts.append("definedOnly") }
        if let messageType { parts.append("message: \(messageType.protoDescriptor.fullName)") }
        return "\(name) {\(parts.joined(separator: ", "))}"
    }
}

extension ProtoMessage {
    /// No rules: hand-written and well-known types declare none.
    public static var fieldRules: [FieldRule] { [] }
}

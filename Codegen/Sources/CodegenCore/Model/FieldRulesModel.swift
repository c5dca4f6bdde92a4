/// The rules of one field as they apply to its type: its `(clinic.options.v1.rules)` checked
/// against the type, plus the message type whose own rules apply to its values.
///
/// `ValidationRenderer` renders `validate()` from it and `FieldRulesRenderer` the `fieldRules`
/// data, so the code and the data cannot disagree.
struct FieldRulesModel {
    var field: FieldModel
    /// The real oneof the field is a member of.
    var oneof: MessageModel.Oneof?
    var isRequired = false
    var minLength: Int?
    var maxLength: Int?
    /// The `FieldFormat` case name.
    var format: String?
    var pattern: String?
    var minimum: Int?
    var maximum: Int?
    var maxItems: Int?
    var isDefinedOnly = false
    /// The message type of the values (element, map value) when it validates something itself.
    var nested: TypeIndex.Entry?

    /// Whether there is nothing to check.
    var isEmpty: Bool {
        !isRequired && minLength == nil && maxLength == nil && format == nil && pattern == nil && minimum == nil
            && maximum == nil && maxItems == nil && !isDefinedOnly && nested == nil
    }

    /// `clinic.options.v1.Format` numbers → `FieldFormat` case names.
    static let formats = [
        1: "email", 2: "id", 3: "uuid", 4: "phoneE164", 5: "timeZone", 6: "currency", 7: "country",
        8: "date", 9: "uri", 10: "language", 11: "mediaType",
    ]
}

/// Builds the `FieldRulesModel`s of messages, remembering which message types validate anything.
struct RulesIndex {
    let index: TypeIndex
    private var memo: [String: Bool] = [:]

    init(index: TypeIndex) { self.index = index }

    /// Whether messages of `fullName` have anything to check (directly or through fields).
    mutating func validates(_ fullName: String, visiting: Set<String> = []) -> Bool {
        if let known = memo[fullName] { return known }
        guard let message = index.entries[fullName]?.message, !visiting.contains(fullName) else { return false }
        let result = message.fields.contains { field in
            if field.rules != nil { return true }
            guard field.type == 11 else { return false }
            let type = String(field.typeName.dropFirst())
            if let entry = index.entries[type], entry.isMapEntry, let value = entry.message?.fields.last, value.type == 11 {
                return validates(String(value.typeName.dropFirst()), visiting: visiting.union([fullName]))
            }
            return validates(type, visiting: visiting.union([fullName]))
        }
        // A type met again while visiting is answered false for this path only, so not memoized.
        if visiting.isEmpty || result { memo[fullName] = result }
        return result
    }

    /// The rules of `message`'s fields that check something, in field order.
    mutating func rules(of message: MessageModel) throws(CodegenError) -> [FieldRulesModel] {
        var all: [FieldRulesModel] = []
        for field in message.fields { all.append(try rules(of: field, in: message)) }
        // `required` on one member makes the oneof required: every member says so, so a reader of
        // the data sees all the cases that satisfy it.
        let requiredOneofs = Set(all.filter(\.isRequired).compactMap(\.oneof?.index))
        for offset in all.indices where all[offset].oneof.map({ requiredOneofs.contains($0.index) }) == true {
            all[offset].isRequired = true
        }
        return all.filter { !$0.isEmpty }
    }

    private mutating func rules(of field: FieldModel, in message: MessageModel) throws(CodegenError) -> FieldRulesModel {
        var model = FieldRulesModel(field: field)
        if case .oneof = field.storage {
            model.oneof = message.oneofs.first { $0.members.contains { $0.number == field.number } }
        }
        let valueType: FieldModel.ValueKind
        switch field.storage {
        case .map(_, let value): valueType = value.value
        default: valueType = field.value
        }
        if case .message(let type) = valueType, validates(type.fullName) { model.nested = type }
        guard let rules = field.proto.rules else { return model }

        let place = "\(message.entry.fullName).\(field.proto.name)"
        var isList = false
        var isMap = false
        switch field.storage {
        case .repeated: isList = true
        case .map: isMap = true
        default: break
        }
        func refuse(_ rule: String, _ applies: String) -> CodegenError {
            CodegenError("\(place): the rule \(rule) applies to \(applies) only")
        }
        model.isRequired = rules.required
        if rules.maxItems > 0 {
            guard isList || isMap else { throw refuse("max_items", "repeated and map fields") }
            model.maxItems = rules.maxItems
        }
        // Element rules: a map's entries have none (their keys and values carry no options).
        let element = isMap ? nil : valueType
        let isString: Bool, isBytes: Bool, isNumber: Bool, isEnum: Bool
        switch element {
        case .string?: (isString, isBytes, isNumber, isEnum) = (true, false, false, false)
        case .bytes?: (isString, isBytes, isNumber, isEnum) = (false, true, false, false)
        case .scalar(let type, _)? where type != "Bool": (isString, isBytes, isNumber, isEnum) = (false, false, true, false)
        case .enumeration?: (isString, isBytes, isNumber, isEnum) = (false, false, false, true)
        default: (isString, isBytes, isNumber, isEnum) = (false, false, false, false)
        }
        if rules.minLength > 0 {
            guard isString || isBytes else { throw refuse("min_len", "strings and bytes") }
            model.minLength = rules.minLength
        }
        if rules.maxLength > 0 {
            guard isString || isBytes else { throw refuse("max_len", "strings and bytes") }
            model.maxLength = rules.maxLength
        }
        if rules.format != 0 {
            guard isString else { throw refuse("format", "strings") }
            guard let format = FieldRulesModel.formats[rules.format] else { throw CodegenError("\(place): unknown format \(rules.format)") }
            model.format = format
        }
        if !rules.pattern.isEmpty {
            guard isString else { throw refuse("pattern", "strings") }
            model.pattern = rules.pattern
        }
        if rules.min != nil || rules.max != nil {
            guard isNumber || isEnum else { throw refuse("min/max", "numbers and enums") }
            model.minimum = rules.min
            model.maximum = rules.max
        }
        if rules.definedOnly {
            guard isEnum else { throw refuse("defined_only", "enums") }
            model.isDefinedOnly = true
        }
        return model
    }
}

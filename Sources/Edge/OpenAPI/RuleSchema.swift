import ProtoRuntime

/// JSON Schema keywords for a field's rules (`FieldRule`), as `validate()` applies them: the
/// schema never refuses a value the server accepts, and refuses what it can of the rest.
enum RuleSchema {
    /// `schema` (one value of `field`: the field, or an element of a list) narrowed by `rule`.
    /// `isSingular` is false for list elements, where `isRequired` is about the list.
    static func constrain(_ schema: JSONNode, field: FieldDescriptor, rule: FieldRule, isSingular: Bool) -> JSONNode {
        var added: [(String, JSONNode)] = []
        let required = isSingular && rule.isRequired
        switch field.type {
        case .string:
            let minLength = max(rule.minLength ?? 0, required ? 1 : 0)
            if minLength > 0 { added.append(("minLength", .int(minLength))) }
            if let maxLength = rule.maxLength { added.append(("maxLength", .int(maxLength))) }
            let format = rule.format.map(Self.format)
            if let name = format?.name { added.append(("format", .string(name))) }
            let patterns = [rule.pattern.map(Self.wholeMatch), format?.pattern].compactMap { $0 }
            // One `pattern` per schema: a second one goes into `allOf`.
            if let first = patterns.first { added.append(("pattern", .string(first))) }
            if patterns.count > 1 { added.append(("allOf", .array([.object([("pattern", .string(patterns[1]))])]))) }
        case .bytes:
            // Bounds in bytes, as lengths of the base64 text: unpadded for the least, padded for the most.
            let minBytes = max(rule.minLength ?? 0, required ? 1 : 0)
            if minBytes > 0 { added.append(("minLength", .int((minBytes * 4 + 2) / 3))) }
            if let maxBytes = rule.maxLength { added.append(("maxLength", .int((maxBytes + 2) / 3 * 4))) }
        case .enum(let descriptor):
            // Narrowed to the names a request may use; the `$ref` keeps the type's name.
            let allowed = descriptor.values.filter { value in
                !(required && value.number == 0) && rule.minimum.map { Int64(value.number) >= $0 } != false
                    && rule.maximum.map { Int64(value.number) <= $0 } != false
            }
            if allowed.count < descriptor.values.count { added.append(("enum", .array(allowed.map { .string($0.name) }))) }
        case .message, .bool:
            break
        default:
            if let minimum = rule.minimum { added.append(("minimum", .number(String(minimum)))) }
            if let maximum = rule.maximum { added.append(("maximum", .number(String(maximum)))) }
        }
        return merging(schema, added)
    }

    /// The keywords for a list's or map's own rules.
    static func collection(_ rule: FieldRule, isMap: Bool) -> [(String, JSONNode)] {
        var keywords: [(String, JSONNode)] = []
        if rule.isRequired { keywords.append((isMap ? "minProperties" : "minItems", .int(1))) }
        if let maxItems = rule.maxItems { keywords.append((isMap ? "maxProperties" : "maxItems", .int(maxItems))) }
        return keywords
    }

    /// A platform format as JSON Schema: a registered `format` name where one fits, otherwise a
    /// pattern equivalent to the check (or, where none is, a descriptive `format` name). Every
    /// pattern accepts "", as the formats do (emptiness is `required`'s business).
    static func format(_ format: FieldFormat) -> (name: String?, pattern: String?) {
        switch format {
        case .email: ("email", nil)
        case .id: (nil, "^[A-Za-z0-9_-]{0,64}$")
        case .uuid: ("uuid", nil)
        case .phoneE164: (nil, "^(\\+[1-9][0-9]{7,14})?$")
        case .timeZone: ("time-zone", nil)
        case .currency: (nil, "^([A-Z]{3})?$")
        case .country: (nil, "^([A-Z]{2})?$")
        case .date: ("date", nil)
        case .uri: ("uri", nil)
        case .language: (nil, "^([A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*)?$")
        case .mediaType: (nil, "^([A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(;[^/]*)?)?$")
        }
    }

    /// `pattern` (matched against the whole string by `validate()`) for JSON Schema, which
    /// searches: anchored, unless it visibly is already.
    static func wholeMatch(_ pattern: String) -> String {
        if pattern.hasPrefix("^"), pattern.hasSuffix("$"), !pattern.hasSuffix("\\$"), !pattern.contains("|") { return pattern }
        return "^(?:\(pattern))$"
    }

    /// `schema` with `keywords` added; a bound it already has is kept where it is the tighter one.
    static func merging(_ schema: JSONNode, _ keywords: [(String, JSONNode)]) -> JSONNode {
        guard !keywords.isEmpty else { return schema }
        guard case .object(var members) = schema else { return schema }
        for (key, value) in keywords {
            guard let index = members.firstIndex(where: { $0.0 == key }) else {
                members.append((key, value))
                continue
            }
            if case .number(let old) = members[index].1, case .number(let new) = value, let oldValue = Double(old),
                let newValue = Double(new) {
                let tighter = key.hasPrefix("min") ? newValue > oldValue : newValue < oldValue
                if tighter { members[index].1 = value }
            } else {
                members[index].1 = value
            }
        }
        return .object(members)
    }
}

import Foundation
import ProtoRuntime

/// JSON values built from the generated `fieldRules` alone: values that satisfy a field's rules,
/// and values that break one rule, to hold the data against what `validate()` does.
enum RuleSamples {
    /// A JSON object of `type` that every rule accepts: each field with rules set to a valid
    /// value (a oneof only when required, to its first case); nil when some rule has no sample.
    static func valid(_ type: any ProtoMessage.Type, depth: Int = 0) -> [String: Any]? {
        guard depth < 8 else { return nil }
        var object: [String: Any] = [:]
        var setOneofs: Set<String> = []
        for rule in type.fieldRules {
            if let oneof = rule.oneof {
                guard rule.isRequired, setOneofs.insert(oneof).inserted else { continue }
            }
            guard let field = type.protoDescriptor.field(named: rule.name) else { return nil }
            // Optional message fields stop where a type reaches itself again.
            if !rule.isRequired, rule.messageType != nil, depth >= 3 { continue }
            guard let value = value(of: field, rule: rule, depth: depth) else { return nil }
            object[rule.jsonName] = value
        }
        return object
    }

    /// A valid JSON value of the whole field: one element for a list, one entry for a map.
    static func value(of field: FieldDescriptor, rule: FieldRule, depth: Int) -> Any? {
        if field.isMap, case .message(let entry) = field.type, entry.fields.count == 2 {
            guard let value = element(entry.fields[1], rule: nil, nested: rule.messageType, depth: depth) else { return nil }
            return [mapKey(entry.fields[0], 0): value]
        }
        let single = element(field, rule: rule, nested: rule.messageType, depth: depth)
        guard let single else { return nil }
        return field.label == .repeated ? [single] : single
    }

    /// A distinct key of map key field `key`.
    static func mapKey(_ key: FieldDescriptor, _ index: Int) -> String {
        key.type == .bool ? (index == 0 ? "true" : "false") : (key.type == .string ? "k\(index)" : "\(index + 1)")
    }

    /// One valid value of `field`'s type under `rule` (element rules; `isRequired` counts only
    /// for singular fields).
    static func element(_ field: FieldDescriptor, rule: FieldRule?, nested: (any ProtoMessage.Type)?, depth: Int) -> Any? {
        let required = field.label != .repeated && rule?.isRequired == true
        switch field.type {
        case .string:
            return stringCandidates(rule).first { accepts($0, rule: rule, required: required) }
        case .bytes:
            let count = max(rule?.minLength ?? 0, 1)
            return Data(repeating: 1, count: count).base64EncodedString()
        case .bool:
            return true
        case .enum(let descriptor):
            let values = descriptor.values.filter { inBounds(Int64($0.number), rule) && !(required && $0.number == 0) }
            return (values.first { $0.number != 0 } ?? values.first)?.name
        case .message(let descriptor):
            if let wellKnown = wellKnown(descriptor.fullName) { return wellKnown }
            if let nested { return valid(nested, depth: depth + 1) }
            return [String: Any]()
        default:
            let candidates = [rule?.minimum, rule?.maximum, 1, 0].compactMap { $0 }
            guard let number = candidates.first(where: { inBounds($0, rule) && !(required && $0 == 0) }) else { return nil }
            return json(number, for: field.type)
        }
    }

    /// A number as the JSON mapping writes it for `type`: 64-bit integers as strings.
    static func json(_ number: Int64, for type: FieldType) -> Any {
        switch type {
        case .int64, .sint64, .sfixed64, .uint64, .fixed64: String(number)
        default: NSNumber(value: number)
        }
    }

    static func inBounds(_ number: Int64, _ rule: FieldRule?) -> Bool {
        rule?.minimum.map { number >= $0 } != false && rule?.maximum.map { number <= $0 } != false
    }

    /// Whether `validate()` would accept `text` under `rule`, read from the rule alone.
    static func accepts(_ text: String, rule: FieldRule?, required: Bool) -> Bool {
        guard let rule else { return true }
        let length = FieldFormat.length(of: text)
        return !(required && text.isEmpty) && rule.minLength.map { length >= $0 } != false
            && rule.maxLength.map { length <= $0 } != false && rule.format?.accepts(text) != false
            && rule.pattern.map { FieldFormat.matches(text, pattern: $0) } != false
    }

    private static func stringCandidates(_ rule: FieldRule?) -> [String] {
        var candidates: [String] = []
        if let format = rule?.format { candidates.append(formatSample(format)) }
        candidates += ["a", "ab", "A00", "1", "a0", "abc"]
        if let minLength = rule?.minLength { candidates.append(String(repeating: "a", count: minLength)) }
        return candidates
    }

    static func formatSample(_ format: FieldFormat) -> String {
        switch format {
        case .email: "a@example.com"
        case .id: "a1"
        case .uuid: "123e4567-e89b-42d3-a456-426614174000"
        case .phoneE164: "+33123456789"
        case .timeZone: "Europe/Paris"
        case .currency: "EUR"
        case .country: "FR"
        case .date: "2024-01-01"
        case .uri: "https://example.com"
        case .language: "fr-FR"
        case .mediaType: "text/plain"
        }
    }

    /// The JSON form of well-known types a rule may name.
    private static func wellKnown(_ fullName: String) -> Any? {
        switch fullName {
        case "google.protobuf.Timestamp": "2024-01-01T00:00:00Z"
        case "google.protobuf.Duration": "60s"
        case "google.protobuf.FieldMask": "name"
        case "google.protobuf.StringValue": "a"
        case "google.protobuf.BoolValue": true
        case "google.protobuf.Int64Value", "google.protobuf.UInt64Value": "1"
        case "google.protobuf.Int32Value", "google.protobuf.UInt32Value", "google.protobuf.DoubleValue",
            "google.protobuf.FloatValue": 1
        default: nil
        }
    }

    /// Values of `field` (top level of its message) that break exactly one of `rule`'s checks,
    /// each with the error path and the start of the reason `validate()` should give.
    static func violations(of field: FieldDescriptor, rule: FieldRule, valid: Any) -> [(value: Any, path: String, reason: String)] {
        var cases: [(Any, String, String)] = []
        let isList = field.label == .repeated && !field.isMap
        let elementPath = isList ? "\(rule.name)[0]" : rule.name
        func wrap(_ element: Any) -> Any { isList ? [element] : element }
        if let maxItems = rule.maxItems {
            if field.isMap, let entry = (valid as? [String: Any])?.first, case .message(let type) = field.type {
                let many = (0...maxItems).map { (mapKey(type.fields[0], $0), entry.value) }
                cases.append((Dictionary(uniqueKeysWithValues: many), rule.name, "must have at most"))
            } else if let list = valid as? [Any], let first = list.first {
                cases.append((Array(repeating: first, count: maxItems + 1), rule.name, "must have at most"))
            }
        }
        guard !field.isMap else { return cases }
        switch field.type {
        case .string:
            if let minLength = rule.minLength, minLength > 1 {
                cases.append((wrap(String(repeating: "a", count: minLength - 1)), elementPath, "must be at least"))
            }
            if let maxLength = rule.maxLength {
                cases.append((wrap(String(repeating: "a", count: maxLength + 1)), elementPath, "must be at most"))
            }
            let bad = String(repeating: "!", count: max(rule.minLength ?? 1, 1))
            if rule.format != nil {
                cases.append((wrap(bad), elementPath, "is not a valid"))
            } else if let pattern = rule.pattern, !FieldFormat.matches(bad, pattern: pattern) {
                cases.append((wrap(bad), elementPath, "does not match"))
            }
        case .bytes:
            if let maxLength = rule.maxLength {
                cases.append((wrap(Data(repeating: 1, count: maxLength + 1).base64EncodedString()), elementPath, "must be at most"))
            }
            if let minLength = rule.minLength, minLength > 1 {
                cases.append((wrap(Data(repeating: 1, count: minLength - 1).base64EncodedString()), elementPath, "must be at least"))
            }
        case .enum(let descriptor):
            if rule.isDefinedOnly, let unknown = (1...1000).first(where: { number in !descriptor.values.contains { $0.number == number } }) {
                cases.append((wrap(unknown), elementPath, "is not a known value"))
            }
        case .message, .bool:
            break
        default:
            // Below a minimum of 1 is 0, which a required field reports as missing instead.
            if let minimum = rule.minimum, minimum > Int64(Int32.min), !(rule.isRequired && !isList && minimum - 1 == 0) {
                cases.append((wrap(json(minimum - 1, for: field.type)), elementPath, "must be at least"))
            }
            if let maximum = rule.maximum, maximum < Int64(Int32.max) {
                cases.append((wrap(json(maximum + 1, for: field.type)), elementPath, "must be at most"))
            }
        }
        return cases
    }
}

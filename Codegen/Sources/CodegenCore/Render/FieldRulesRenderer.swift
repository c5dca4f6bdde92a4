/// Renders a message's `fieldRules`: the same `FieldRulesModel`s `validate()` is rendered from,
/// as `FieldRule` values for tools that describe requests (the edge's OpenAPI document).
struct FieldRulesRenderer {
    func render(_ models: [FieldRulesModel], into out: inout CodeWriter) {
        out.line("/// The field rules of the .proto as data, in field order: what `validate()` checks.")
        out.line("public static let fieldRules: [FieldRule] = [")
        out.indented { out in
            for model in models { out.line(rule(model) + ",") }
        }
        out.line("]")
    }

    /// One `FieldRule(...)` expression, naming only the rules the field has.
    private func rule(_ model: FieldRulesModel) -> String {
        let proto = model.field.proto
        var arguments = [
            "name: \(ValidationRenderer.literal(proto.name))",
            "jsonName: \(ValidationRenderer.literal(proto.jsonName.isEmpty ? Self.jsonName(proto.name) : proto.jsonName))",
        ]
        if let oneof = model.oneof { arguments.append("oneof: \(ValidationRenderer.literal(oneof.protoName))") }
        if model.isRequired { arguments.append("isRequired: true") }
        if let minLength = model.minLength { arguments.append("minLength: \(minLength)") }
        if let maxLength = model.maxLength { arguments.append("maxLength: \(maxLength)") }
        if let format = model.format { arguments.append("format: .\(format)") }
        if let pattern = model.pattern { arguments.append("pattern: \(ValidationRenderer.literal(pattern))") }
        if let minimum = model.minimum { arguments.append("minimum: \(minimum)") }
        if let maximum = model.maximum { arguments.append("maximum: \(maximum)") }
        if let maxItems = model.maxItems { arguments.append("maxItems: \(maxItems)") }
        if model.isDefinedOnly { arguments.append("isDefinedOnly: true") }
        if let nested = model.nested { arguments.append("messageType: \(nested.swiftName).self") }
        return "FieldRule(\(arguments.joined(separator: ", ")))"
    }

    /// protoc's JSON name (for descriptors that lack `json_name`): underscores dropped, the
    /// letter after each one upper-cased.
    static func jsonName(_ name: String) -> String {
        var result = ""
        var upper = false
        for character in name {
            if character == "_" {
                upper = true
            } else {
                result += upper ? character.uppercased() : String(character)
                upper = false
            }
        }
        return result
    }
}

import Foundation

/// Renders, per message with rules, `validate()` from the `clinic.options.v1.rules` field options
/// and the same rules as data (`fieldRules`, by `FieldRulesRenderer`), both from `RulesIndex`'s
/// models.
struct ValidationRenderer {
    private var rules: RulesIndex

    init(index: TypeIndex) { self.rules = RulesIndex(index: index) }

    mutating func render(_ message: MessageModel, into out: inout CodeWriter) throws(CodegenError) {
        guard rules.validates(message.entry.fullName) else { return }
        let models = try rules.rules(of: message)
        try out.block("extension \(message.entry.swiftName)") { (out) throws(CodegenError) in
            FieldRulesRenderer().render(models, into: &out)
            out.line()
            out.line("/// Checks the field rules declared in the .proto; the error names the first field that breaks one.")
            out.block("public func validate() throws(ValidationError)") { out in
                var checkedOneofs: Set<Int> = []
                for model in models { check(model, checkedOneofs: &checkedOneofs, into: &out) }
            }
        }
        out.line()
    }

    /// The checks of one field; a required oneof is checked once, at its first member.
    private func check(_ model: FieldRulesModel, checkedOneofs: inout Set<Int>, into out: inout CodeWriter) {
        let field = model.field
        let name = field.proto.name
        switch field.storage {
        case .oneof:
            guard let oneof = model.oneof else { return }
            if model.isRequired, checkedOneofs.insert(oneof.index).inserted {
                out.line("if \(oneof.swiftName) == nil { throw ValidationError(fieldPath: \"\(oneof.protoName)\", reason: \"is required\") }")
            }
            var body = CodeWriter()
            valueChecks(model, value: "oneofValue", path: "\"\(name)\"", into: &body)
            guard !body.text.isEmpty else { return }
            out.block("if case .\(field.swiftName)(let oneofValue)? = \(oneof.swiftName)") { $0.append(body) }
        case .plain:
            if model.isRequired {
                let empty: String
                switch field.value {
                case .string, .bytes: empty = "\(field.swiftName).isEmpty"
                case .scalar(let type, _): empty = type == "Bool" ? "!\(field.swiftName)" : "\(field.swiftName) == 0"
                case .enumeration: empty = "\(field.swiftName).protoNumber == 0"
                case .message: empty = "false"
                }
                out.line("if \(empty) { throw ValidationError(fieldPath: \"\(name)\", reason: \"is required\") }")
            }
            valueChecks(model, value: field.swiftName, path: "\"\(name)\"", into: &out)
        case .optional, .boxed:
            if model.isRequired {
                out.line("if \(field.swiftName) == nil { throw ValidationError(fieldPath: \"\(name)\", reason: \"is required\") }")
            }
            var body = CodeWriter()
            valueChecks(model, value: "value", path: "\"\(name)\"", into: &body)
            guard !body.text.isEmpty else { return }
            out.block("if let value = \(field.swiftName)") { $0.append(body) }
        case .repeated, .map:
            if model.isRequired {
                out.line("if \(field.swiftName).isEmpty { throw ValidationError(fieldPath: \"\(name)\", reason: \"must not be empty\") }")
            }
            if let maxItems = model.maxItems {
                out.line("if \(field.swiftName).count > \(maxItems) { throw ValidationError(fieldPath: \"\(name)\", reason: \"must have at most \(maxItems) items\") }")
            }
            var body = CodeWriter()
            let loop: String
            if case .map = field.storage {
                valueChecks(model, value: "item", path: "\"\(name)[\\(key)]\"", into: &body)
                loop = "for (key, item) in \(field.swiftName)"
            } else {
                valueChecks(model, value: "item", path: "\"\(name)[\\(position)]\"", into: &body)
                loop = "for (position, item) in \(field.swiftName).enumerated()"
            }
            guard !body.text.isEmpty else { return }
            out.block(loop) { $0.append(body) }
        }
    }

    /// Checks on one value (element, map value, present optional, or plain field); the model
    /// holds only the rules that apply to the value's type.
    private func valueChecks(_ model: FieldRulesModel, value: String, path: String, into out: inout CodeWriter) {
        func fail(_ reason: String) -> String { "throw ValidationError(fieldPath: \(path), reason: \"\(reason)\")" }
        let field = model.field
        let isString = if case .string = field.value { true } else { false }
        let isEnum = if case .enumeration = field.value { true } else { false }
        let unit = isString ? "characters" : "bytes"
        let length = isString ? "FieldFormat.length(of: \(value))" : "\(value).count"
        if let minLength = model.minLength {
            out.line("if \(length) < \(minLength) { \(fail("must be at least \(minLength) \(unit)")) }")
        }
        if let maxLength = model.maxLength {
            out.line("if \(length) > \(maxLength) { \(fail("must be at most \(maxLength) \(unit)")) }")
        }
        if let format = model.format {
            out.line("if !FieldFormat.\(format).accepts(\(value)) { \(fail("is not a valid \(format)")) }")
        }
        if let pattern = model.pattern {
            out.line("if !FieldFormat.matches(\(value), pattern: \(Self.literal(pattern))) { \(fail("does not match the required pattern")) }")
        }
        if model.isDefinedOnly {
            out.line("if case .UNRECOGNIZED = \(value) { \(fail("is not a known value")) }")
        }
        let number = isEnum ? "\(value).protoNumber" : value
        if let minimum = model.minimum { out.line("if \(number) < \(minimum) { \(fail("must be at least \(minimum)")) }") }
        if let maximum = model.maximum { out.line("if \(number) > \(maximum) { \(fail("must be at most \(maximum)")) }") }
        if model.nested != nil {
            out.line("do { try \(value).validate() } catch { throw error.nested(under: \(path)) }")
        }
    }

    /// A Swift string literal of `text`.
    static func literal(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": literal += "\\\\"
            case "\"": literal += "\\\""
            // Control characters would end or bend the line; escaped, the pattern stays byte-exact.
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                literal += "\\u{\(String(scalar.value, radix: 16))}"
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}

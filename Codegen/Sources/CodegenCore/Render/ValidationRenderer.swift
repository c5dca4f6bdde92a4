import Foundation

/// Renders `validate()` from the `clinic.options.v1.rules` field options.
struct ValidationRenderer {
    let index: TypeIndex
    /// Memo of which message types validate something (directly or through fields).
    private var memo: [String: Bool] = [:]

    init(index: TypeIndex) { self.index = index }

    private static let formats = [
        1: "email", 2: "id", 3: "uuid", 4: "phoneE164", 5: "timeZone", 6: "currency", 7: "country",
        8: "date", 9: "uri", 10: "language", 11: "mediaType",
    ]

    /// Whether messages of `fullName` have anything to check.
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
        memo[fullName] = result
        return result
    }

    mutating func render(_ message: MessageModel, into out: inout CodeWriter) throws(CodegenError) {
        guard validates(message.entry.fullName) else { return }
        try out.block("extension \(message.entry.swiftName)") { (out) throws(CodegenError) in
            out.line("/// Checks the field rules declared in the .proto; the error names the first field that breaks one.")
            try out.block("public func validate() throws(ValidationError)") { (out) throws(CodegenError) in
                for field in message.fields {
                    try check(field, message: message, into: &out)
                }
            }
        }
        out.line()
    }

    private mutating func check(_ field: FieldModel, message: MessageModel, into out: inout CodeWriter) throws(CodegenError) {
        let name = field.proto.name
        let rules = field.proto.rules
        let access: String
        switch field.storage {
        case .oneof(let oneofIndex):
            let oneof = message.oneofs.first { $0.members.contains { $0.number == field.number } }
            guard let oneof else { return }
            _ = oneofIndex
            if rules?.required == true {
                out.line("if \(oneof.swiftName) == nil { throw ValidationError(fieldPath: \"\(oneof.protoName)\", reason: \"is required\") }")
            }
            access = "oneofValue"
            var body = CodeWriter()
            try scalarChecks(field, value: access, path: "\"\(name)\"", rules: rules, into: &body)
            guard !body.text.isEmpty else { return }
            out.block("if case .\(field.swiftName)(let \(access))? = \(oneof.swiftName)") { $0.append(body) }
        case .plain:
            if rules?.required == true {
                let empty: String
                switch field.value {
                case .string, .bytes: empty = "\(field.swiftName).isEmpty"
                case .scalar(let type, _): empty = type == "Bool" ? "!\(field.swiftName)" : "\(field.swiftName) == 0"
                case .enumeration: empty = "\(field.swiftName).protoNumber == 0"
                case .message: empty = "false"
                }
                out.line("if \(empty) { throw ValidationError(fieldPath: \"\(name)\", reason: \"is required\") }")
            }
            try scalarChecks(field, value: field.swiftName, path: "\"\(name)\"", rules: rules, into: &out)
        case .optional, .boxed:
            if rules?.required == true {
                out.line("if \(field.swiftName) == nil { throw ValidationError(fieldPath: \"\(name)\", reason: \"is required\") }")
            }
            var body = CodeWriter()
            try scalarChecks(field, value: "value", path: "\"\(name)\"", rules: rules, into: &body)
            guard !body.text.isEmpty else { return }
            out.block("if let value = \(field.swiftName)") { $0.append(body) }
        case .repeated, .map:
            if rules?.required == true {
                out.line("if \(field.swiftName).isEmpty { throw ValidationError(fieldPath: \"\(name)\", reason: \"must not be empty\") }")
            }
            if let maxItems = rules?.maxItems, maxItems > 0 {
                out.line("if \(field.swiftName).count > \(maxItems) { throw ValidationError(fieldPath: \"\(name)\", reason: \"must have at most \(maxItems) items\") }")
            }
            var body = CodeWriter()
            let loop: String
            if case .map(_, let value) = field.storage {
                try scalarChecks(value, value: "item", path: "\"\(name)[\\(key)]\"", rules: nil, into: &body)
                loop = "for (key, item) in \(field.swiftName)"
            } else {
                try scalarChecks(field, value: "item", path: "\"\(name)[\\(position)]\"", rules: rules, into: &body)
                loop = "for (position, item) in \(field.swiftName).enumerated()"
            }
            guard !body.text.isEmpty else { return }
            out.block(loop) { $0.append(body) }
        }
    }

    /// Checks on one value (element, present optional, or plain field).
    private mutating func scalarChecks(
        _ field: FieldModel, value: String, path: String, rules: FieldRulesOption?, into out: inout CodeWriter
    ) throws(CodegenError) {
        func fail(_ reason: String) -> String { "throw ValidationError(fieldPath: \(path), reason: \"\(reason)\")" }
        if let rules {
            switch field.value {
            case .string:
                if rules.minLength > 0 {
                    out.line("if FieldFormat.length(of: \(value)) < \(rules.minLength) { \(fail("must be at least \(rules.minLength) characters")) }")
                }
                if rules.maxLength > 0 {
                    out.line("if FieldFormat.length(of: \(value)) > \(rules.maxLength) { \(fail("must be at most \(rules.maxLength) characters")) }")
                }
                if rules.format != 0 {
                    guard let format = Self.formats[rules.format] else { throw CodegenError("unknown format \(rules.format)") }
                    out.line("if !FieldFormat.\(format).accepts(\(value)) { \(fail("is not a valid \(format)")) }")
                }
                if !rules.pattern.isEmpty {
                    let literal = rules.pattern.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    out.line("if !FieldFormat.matches(\(value), pattern: \"\(literal)\") { \(fail("does not match the required pattern")) }")
                }
            case .bytes:
                if rules.minLength > 0 {
                    out.line("if \(value).count < \(rules.minLength) { \(fail("must be at least \(rules.minLength) bytes")) }")
                }
                if rules.maxLength > 0 {
                    out.line("if \(value).count > \(rules.maxLength) { \(fail("must be at most \(rules.maxLength) bytes")) }")
                }
            case .scalar(let type, _) where type != "Bool":
                if let min = rules.min { out.line("if \(value) < \(min) { \(fail("must be at least \(min)")) }") }
                if let max = rules.max { out.line("if \(value) > \(max) { \(fail("must be at most \(max)")) }") }
            case .enumeration:
                if rules.definedOnly {
                    out.line("if case .UNRECOGNIZED = \(value) { \(fail("is not a known value")) }")
                }
                if let min = rules.min { out.line("if \(value).protoNumber < \(min) { \(fail("must be at least \(min)")) }") }
                if let max = rules.max { out.line("if \(value).protoNumber > \(max) { \(fail("must be at most \(max)")) }") }
            default:
                break
            }
        }
        if case .message(let type) = field.value, validates(type.fullName) {
            out.line("do { try \(value).validate() } catch { throw error.nested(under: \(path)) }")
        }
    }
}

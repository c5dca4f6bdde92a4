import ProtoRuntime

/// The field rules (`ProtoMessage.fieldRules`, generated from `(clinic.options.v1.rules)`) of
/// every request type and the message types under it, by message and field, for the schemas.
///
/// Only request types are walked: the rules are what a request must satisfy. Types that are
/// also met in responses carry them too, since a schema describes a type.
struct FieldRuleIndex {
    private var byMessage: [String: [String: FieldRule]] = [:]
    private var walked: Set<String> = []

    init() {}

    /// An index of the given rules by message full name, as they are (for tests).
    init(rules: [String: [FieldRule]]) {
        byMessage = rules.mapValues { Dictionary($0.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }) }
    }

    /// The rules of `type` and of the message types its rules lead to.
    mutating func add(_ type: any ProtoMessage.Type) {
        var pending = [type]
        while let next = pending.popLast() {
            let name = next.protoDescriptor.fullName
            guard walked.insert(name).inserted else { continue }
            let rules = next.fieldRules
            if !rules.isEmpty {
                byMessage[name] = Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            }
            pending += rules.compactMap(\.messageType)
        }
    }

    /// The rules of `field`, if it has any.
    func rule(for field: FieldDescriptor) -> FieldRule? {
        byMessage[field.message.fullName]?[field.name]
    }

    /// Whether `field` must be set (a oneof member: whether its oneof must be).
    func isRequired(_ field: FieldDescriptor) -> Bool {
        rule(for: field)?.isRequired == true
    }
}

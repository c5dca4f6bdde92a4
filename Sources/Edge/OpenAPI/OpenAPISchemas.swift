import ProtoRuntime

/// JSON Schemas (OpenAPI 3.1) of message and enum types, named by their full proto name under
/// `#/components/schemas/`, with properties by JSON name as the proto3 mapping writes them, and
/// the field rules as keywords (`required`, lengths, formats, patterns, bounds, item counts).
struct OpenAPISchemas {
    private(set) var schemas: [String: JSONNode] = [:]
    /// The field rules of the request types and what they contain.
    let rules: FieldRuleIndex
    private var pending: [MessageDescriptor] = []

    init(rules: FieldRuleIndex) {
        self.rules = rules
    }

    /// A reference to the schema of `descriptor`, adding it (and what it reaches) to the set.
    mutating func reference(_ descriptor: MessageDescriptor) -> JSONNode {
        if let wellKnown = Self.wellKnown(descriptor) { return wellKnown }
        if schemas[descriptor.fullName] == nil {
            schemas[descriptor.fullName] = .null
            pending.append(descriptor)
            while let next = pending.popLast() { schemas[next.fullName] = messageSchema(next) }
        }
        return Self.ref(descriptor.fullName)
    }

    /// The schema of one value of `field` (an element of a repeated field), with its rules.
    mutating func valueSchema(_ field: FieldDescriptor) -> JSONNode {
        let schema = typeSchema(field)
        guard let rule = rules.rule(for: field), !field.isMap else { return schema }
        return RuleSchema.constrain(schema, field: field, rule: rule, isSingular: field.label != .repeated)
    }

    /// The schema of one value of `field`'s type.
    private mutating func typeSchema(_ field: FieldDescriptor) -> JSONNode {
        switch field.type {
        case .int32, .sint32, .sfixed32: return .object([("type", .string("integer")), ("format", .string("int32"))])
        case .uint32, .fixed32:
            return .object([("type", .string("integer")), ("minimum", .int(0)), ("maximum", .number("4294967295"))])
        case .int64, .sint64, .sfixed64:
            return .object([("type", .string("string")), ("format", .string("int64")), ("pattern", .string("^-?[0-9]+$"))])
        case .uint64, .fixed64:
            return .object([("type", .string("string")), ("format", .string("uint64")), ("pattern", .string("^[0-9]+$"))])
        case .float: return .object([("type", .string("number")), ("format", .string("float"))])
        case .double: return .object([("type", .string("number")), ("format", .string("double"))])
        case .bool: return .object([("type", .string("boolean"))])
        case .string: return .object([("type", .string("string"))])
        case .bytes: return .object([("type", .string("string")), ("contentEncoding", .string("base64"))])
        case .enum(let descriptor):
            if schemas[descriptor.fullName] == nil {
                schemas[descriptor.fullName] = .object([
                    ("type", .string("string")),
                    ("enum", .array(descriptor.values.map { .string($0.name) })),
                ])
            }
            return Self.ref(descriptor.fullName)
        case .message(let descriptor): return reference(descriptor)
        }
    }

    /// The schema of `field` as a property: arrays for repeated fields, objects for maps.
    mutating func fieldSchema(_ field: FieldDescriptor) -> JSONNode {
        let collection = rules.rule(for: field).map { RuleSchema.collection($0, isMap: field.isMap) } ?? []
        if field.isMap, case .message(let entry) = field.type, entry.fields.count == 2 {
            let map: JSONNode = .object([("type", .string("object")), ("additionalProperties", valueSchema(entry.fields[1]))])
            return RuleSchema.merging(map, collection)
        }
        let value = valueSchema(field)
        guard field.label == .repeated else { return value }
        return RuleSchema.merging(.object([("type", .string("array")), ("items", value)]), collection)
    }

    private mutating func messageSchema(_ descriptor: MessageDescriptor) -> JSONNode {
        var properties: [(String, JSONNode)] = []
        var required: [JSONNode] = []
        // Required oneofs in field order: the JSON names of each one's cases.
        var oneofs: [(name: String, cases: [String])] = []
        for field in descriptor.fields {
            properties.append((field.jsonName, fieldSchema(field)))
            guard let rule = rules.rule(for: field), rule.isRequired else { continue }
            if let oneof = rule.oneof {
                if let index = oneofs.firstIndex(where: { $0.name == oneof }) {
                    oneofs[index].cases.append(field.jsonName)
                } else {
                    oneofs.append((oneof, [field.jsonName]))
                }
            } else {
                required.append(.string(field.jsonName))
            }
        }
        var members: [(String, JSONNode)] = [
            ("type", .string("object")),
            ("title", .string(descriptor.name)),
            ("properties", .object(properties)),
        ]
        if !required.isEmpty { members.append(("required", .array(required))) }
        // A required oneof: exactly one of its cases (the JSON mapping refuses two).
        let choices: [JSONNode] = oneofs.map { oneof in
            .object([("oneOf", .array(oneof.cases.map { .object([("required", .array([.string($0)]))]) }))])
        }
        if choices.count == 1, case .object(let only) = choices[0] { members += only }
        if choices.count > 1 { members.append(("allOf", .array(choices))) }
        return .object(members)
    }

    static func ref(_ name: String) -> JSONNode {
        .object([("$ref", .string("#/components/schemas/\(name)"))])
    }

    /// Inline schemas of the well-known types whose JSON is not a plain object.
    private static func wellKnown(_ descriptor: MessageDescriptor) -> JSONNode? {
        func scalar(_ type: String, _ extra: [(String, JSONNode)] = []) -> JSONNode {
            .object([("type", .string(type))] + extra)
        }
        func nullable(_ type: String, _ extra: [(String, JSONNode)] = []) -> JSONNode {
            .object([("type", .array([.string(type), .string("null")]))] + extra)
        }
        switch descriptor.fullName {
        case "google.protobuf.Timestamp": return scalar("string", [("format", .string("date-time"))])
        case "google.protobuf.Duration": return scalar("string", [("pattern", .string("^-?[0-9]+(\\.[0-9]{1,9})?s$"))])
        case "google.protobuf.FieldMask": return scalar("string")
        case "google.protobuf.Empty": return .object([("type", .string("object")), ("additionalProperties", .bool(false))])
        case "google.protobuf.Struct": return scalar("object")
        case "google.protobuf.Value": return .object([])
        case "google.protobuf.ListValue": return scalar("array")
        case "google.protobuf.Any":
            return .object([
                ("type", .string("object")),
                ("properties", .object([("@type", scalar("string"))])),
                ("required", .array([.string("@type")])),
            ])
        case "google.protobuf.DoubleValue", "google.protobuf.FloatValue": return nullable("number")
        case "google.protobuf.Int32Value", "google.protobuf.UInt32Value": return nullable("integer")
        case "google.protobuf.Int64Value", "google.protobuf.UInt64Value": return nullable("string", [("format", .string("int64"))])
        case "google.protobuf.BoolValue": return nullable("boolean")
        case "google.protobuf.StringValue": return nullable("string")
        case "google.protobuf.BytesValue": return nullable("string", [("contentEncoding", .string("base64"))])
        default: return nil
        }
    }
}

import ProtoRuntime

/// A request field that a path variable or query parameter sets: a scalar (or a well-known type
/// written as one JSON string) reached from the request message through singular message fields.
struct ParameterLeaf: Sendable {
    /// How a text value becomes JSON for the field.
    enum Kind: Sendable, Hashable {
        /// A JSON string: strings, base64 bytes, Timestamp, Duration, FieldMask.
        case string
        /// A JSON string holding a number, which the proto3 mapping accepts for every numeric
        /// type (64-bit ones included, range-checked by the decoder).
        case number
        /// `true` or `false`.
        case bool
        /// An enum value name, or its number.
        case enumValue
    }

    /// The public name: JSON names joined with dots (`dateRange.start`).
    let name: String
    /// The JSON names from the request message down to the field.
    let jsonPath: [String]
    let kind: Kind
    let isRepeated: Bool
    /// The field itself, for the OpenAPI parameter schema.
    let field: FieldDescriptor

    /// The JSON value of `values` (one for a singular field).
    func json(_ values: [String]) throws(EdgeError) -> JSONNode {
        if isRepeated {
            var elements: [JSONNode] = []
            for value in values { elements.append(try scalar(value)) }
            return .array(elements)
        }
        guard values.count == 1 else {
            throw EdgeError.invalidArgument(field: name, "is given more than once but holds one value")
        }
        return try scalar(values[0])
    }

    private func scalar(_ value: String) throws(EdgeError) -> JSONNode {
        switch kind {
        case .string, .number: return .string(value)
        case .bool:
            switch value {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw EdgeError.invalidArgument(field: name, "expected true or false, found \"\(value.prefix(40))\"")
            }
        case .enumValue:
            let digits = value.hasPrefix("-") ? value.dropFirst() : Substring(value)
            if !digits.isEmpty && digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return .number(value) }
            return .string(value)
        }
    }

    /// The kind of `field` when a single text value can set it, nil for a message to recurse into
    /// (or one that no text value can set).
    static func kind(of field: FieldDescriptor) -> Kind? {
        switch field.type {
        case .int32, .sint32, .sfixed32, .int64, .sint64, .sfixed64, .uint32, .fixed32, .uint64, .fixed64, .float, .double:
            return .number
        case .bool: return .bool
        case .string, .bytes: return .string
        case .enum(let descriptor): return descriptor.fullName == "google.protobuf.NullValue" ? nil : .enumValue
        case .message(let message):
            switch message.fullName {
            case "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask": return .string
            case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
                "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
                "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
                return message.fields.first.flatMap(kind(of:))
            default: return nil
            }
        }
    }
}

/// The query parameters a route accepts: every request field not bound by the path or the
/// body, by dotted JSON name and by dotted proto name, compiled once at start-up.
struct QueryPlan: Sendable {
    private(set) var leaves: [ParameterLeaf] = []
    private var byName: [String: Int] = [:]

    /// Nesting followed through message fields (`a.b.c`); deeper fields are body-only.
    static let maxDepth = 4

    /// The plan for `message` minus the top-level fields named in `excluding` (proto names).
    init(message: MessageDescriptor, excluding: Set<String>) {
        add(message, jsonPrefix: [], protoPrefix: [], excluding: excluding, visiting: [message.fullName])
    }

    /// The leaf a parameter name sets.
    func leaf(named name: String) -> ParameterLeaf? {
        byName[name].map { leaves[$0] }
    }

    var isEmpty: Bool { leaves.isEmpty }

    private mutating func add(
        _ message: MessageDescriptor, jsonPrefix: [String], protoPrefix: [String], excluding: Set<String>, visiting: Set<String>
    ) {
        for field in message.fields where !excluding.contains(field.name) {
            let jsonPath = jsonPrefix + [field.jsonName]
            let protoPath = protoPrefix + [field.name]
            if field.isMap { continue }
            if let kind = ParameterLeaf.kind(of: field) {
                let leaf = ParameterLeaf(
                    name: jsonPath.joined(separator: "."), jsonPath: jsonPath, kind: kind,
                    isRepeated: field.label == .repeated, field: field)
                byName[leaf.name] = leaves.count
                byName[protoPath.joined(separator: ".")] = leaves.count
                leaves.append(leaf)
            } else if field.label != .repeated, case .message(let nested) = field.type,
                jsonPath.count < Self.maxDepth, !visiting.contains(nested.fullName),
                !nested.fullName.hasPrefix("google.protobuf.")
            {
                add(nested, jsonPrefix: jsonPath, protoPrefix: protoPath, excluding: [], visiting: visiting.union([nested.fullName]))
            }
        }
    }
}

/// Builds the JSON object that path variables and query parameters describe.
struct ParameterObject {
    private var order: [String] = []
    private var children: [String: ParameterObject] = [:]
    private var values: [String: (ParameterLeaf, [String])] = [:]

    /// Adds one value of `leaf`.
    mutating func add(_ leaf: ParameterLeaf, _ value: String) {
        add(leaf, value, depth: 0)
    }

    private mutating func add(_ leaf: ParameterLeaf, _ value: String, depth: Int) {
        let key = leaf.jsonPath[depth]
        if depth == leaf.jsonPath.count - 1 {
            if values[key] == nil { order.append(key) }
            values[key, default: (leaf, [])].1.append(value)
        } else {
            if children[key] == nil { order.append(key) }
            children[key, default: ParameterObject()].add(leaf, value, depth: depth + 1)
        }
    }

    var isEmpty: Bool { order.isEmpty }

    /// The object, with each leaf's values converted by its kind.
    func json() throws(EdgeError) -> JSONNode {
        var members: [(String, JSONNode)] = []
        for key in order {
            if let (leaf, texts) = values[key] {
                members.append((key, try leaf.json(texts)))
            } else if let child = children[key] {
                members.append((key, try child.json()))
            }
        }
        return .object(members)
    }
}

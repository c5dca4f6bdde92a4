import ProtoRuntime

/// Finds which fields the `.proto` rules mark `required`, for the OpenAPI schemas.
///
/// protobuf-c descriptors do not carry custom options, and the generator emits the rules only as
/// code (each request type's `validate()`), so the probe asks that code: it validates a
/// request built up field by field and notes every field reported as "is required" (or "must not
/// be empty" for lists), fills it with a plausible value, and goes on until validation passes or
/// no candidate value satisfies a field's other rules (an unusual pattern); then it does the same
/// for the message types nested under the request. Fields it cannot reach stay optional in the
/// document, which only makes the document less strict, never wrong about what is sent.
/// Replace this with data from the generator once it emits the rules as data.
struct RequiredFieldProbe {
    /// Required JSON field names by message full name.
    private(set) var required: [String: Set<String>] = [:]
    private var probedTypes: Set<String> = []

    /// Probes the request type `type` and every message type nested under it.
    mutating func probe<Message: ProtoMessage>(_ type: Message.Type) {
        let root = Message.protoDescriptor
        guard probedTypes.insert(root.fullName).inserted else { return }
        guard var base = satisfy(Message.self, ProbeValue.object([:]), prefix: []) else { return }
        // Breadth first through the message fields: each type once, under the first path found.
        var queue: [(path: [PathComponent], descriptor: MessageDescriptor)] = [([], root)]
        while !queue.isEmpty {
            let (path, descriptor) = queue.removeFirst()
            guard path.count < 6 else { continue }
            for field in descriptor.fields where !field.isMap {
                guard case .message(let nested) = field.type, !nested.fullName.hasPrefix("google.protobuf.") else { continue }
                let fieldPath = path + [.field(field.name)] + (field.label == .repeated ? [.index(0)] : [])
                guard probedTypes.insert(nested.fullName).inserted else { continue }
                if base.value(at: fieldPath) == nil {
                    var attempt = base
                    attempt.set(.object([:]), at: fieldPath)
                    if let satisfied = satisfy(Message.self, attempt, prefix: fieldPath) { base = satisfied }
                }
                queue.append((fieldPath, nested))
            }
        }
    }

    /// Fills `value` until `Message` validates, recording required fields found under `prefix`;
    /// nil when it cannot get there.
    private mutating func satisfy<Message: ProtoMessage>(_: Message.Type, _ start: ProbeValue, prefix: [PathComponent]) -> ProbeValue? {
        var value = start
        var attempts: [String: Int] = [:]
        for _ in 0..<200 {
            guard let message = try? Message(jsonUTF8Bytes: value.json.utf8) else { return nil }
            let violation: ValidationError
            do {
                try message.validate()
                return value
            } catch {
                violation = error
            }
            let path = PathComponent.parse(violation.fieldPath)
            guard path.starts(with: prefix), let field = Self.field(at: path, in: Message.protoDescriptor) else { return nil }
            if violation.reason == "is required" || violation.reason == "must not be empty" {
                required[field.message.fullName, default: []].insert(field.jsonName)
            }
            let attempt = attempts[violation.fieldPath, default: 0]
            attempts[violation.fieldPath] = attempt + 1
            guard let candidate = Self.candidate(for: field, attempt: attempt) else { return nil }
            value.set(candidate, at: path)
        }
        return nil
    }

    /// The field a validation path ends at.
    private static func field(at path: [PathComponent], in root: MessageDescriptor) -> FieldDescriptor? {
        var message = root
        var found: FieldDescriptor?
        for component in path {
            guard case .field(let name) = component else { continue }
            if let found, case .message(let nested) = found.type { message = nested }
            guard let field = message.field(named: name) else { return nil }
            found = field
        }
        return found
    }

    /// The `attempt`-th value to try for `field` (a list of one for repeated fields).
    private static func candidate(for field: FieldDescriptor, attempt: Int) -> ProbeValue? {
        let single: JSONNode?
        switch field.type {
        case .string: single = stringCandidates.indices.contains(attempt) ? .string(stringCandidates[attempt]) : nil
        case .bytes: single = attempt == 0 ? .string("AQID") : nil
        case .bool: single = attempt == 0 ? .bool(true) : nil
        case .float, .double, .int32, .sint32, .sfixed32, .int64, .sint64, .sfixed64, .uint32, .fixed32, .uint64, .fixed64:
            single = numberCandidates.indices.contains(attempt) ? .number(numberCandidates[attempt]) : nil
        case .enum(let descriptor):
            let values = descriptor.values.filter { $0.number != 0 }
            single = values.indices.contains(attempt) ? .string(values[attempt].name) : nil
        case .message(let descriptor):
            if attempt > 0 { return nil }
            if field.label == .repeated { return .array([.object([:])]) }
            switch descriptor.fullName {
            case "google.protobuf.Timestamp": return .scalar(.string("2024-01-01T00:00:00Z"))
            case "google.protobuf.Duration": return .scalar(.string("60s"))
            default: return .object([:])
            }
        }
        guard let single else { return nil }
        return field.label == .repeated ? .array([.scalar(single)]) : .scalar(single)
    }

    /// Values that pass the platform's formats (`clinic.options.v1.Format`) and common patterns.
    private static let stringCandidates = [
        "a", "a@example.com", "123e4567-e89b-42d3-a456-426614174000", "+33123456789", "Europe/Paris", "EUR", "FR",
        "2024-01-01", "https://example.com", "en", "text/plain", "ab", "A00", "a0", "1", "AB", "abcdefgh",
        "abcdefghijklmnop",
    ]
    private static let numberCandidates = ["1", "2", "12", "100", "1000"]
}

/// One step of a validation path (`items[0].name`).
enum PathComponent: Equatable {
    case field(String)
    case index(Int)
    case key(String)

    static func parse(_ path: String) -> [PathComponent] {
        var components: [PathComponent] = []
        for part in path.split(separator: ".") {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "[") {
                components.append(.field(String(rest[..<bracket])))
                rest = rest[bracket...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    let inner = rest[rest.index(after: rest.startIndex)..<close]
                    components.append(Int(inner).map(PathComponent.index) ?? .key(String(inner)))
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                components.append(.field(String(rest)))
            }
        }
        return components
    }
}

/// The JSON request the probe builds, keyed by proto field names (which JSON decoding accepts).
indirect enum ProbeValue {
    case object([String: ProbeValue])
    case array([ProbeValue])
    case scalar(JSONNode)

    var json: JSONNode {
        switch self {
        case .object(let members): .object(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value.json) })
        case .array(let elements): .array(elements.map(\.json))
        case .scalar(let node): node
        }
    }

    func value(at path: some Collection<PathComponent>) -> ProbeValue? {
        guard let first = path.first else { return self }
        switch (self, first) {
        case (.object(let members), .field(let name)), (.object(let members), .key(let name)):
            return members[name]?.value(at: path.dropFirst())
        case (.array(let elements), .index(let index)) where elements.indices.contains(index):
            return elements[index].value(at: path.dropFirst())
        default: return nil
        }
    }

    /// Sets `value` at `path`, creating the objects and lists on the way.
    mutating func set(_ value: ProbeValue, at path: some Collection<PathComponent>) {
        guard let first = path.first else {
            self = value
            return
        }
        switch first {
        case .field(let name), .key(let name):
            var members: [String: ProbeValue] = [:]
            if case .object(let existing) = self { members = existing }
            var child = members[name] ?? (path.dropFirst().first.map { if case .index = $0 { .array([]) } else { .object([:]) } } ?? .object([:]))
            child.set(value, at: path.dropFirst())
            members[name] = child
            self = .object(members)
        case .index(let index):
            var elements: [ProbeValue] = []
            if case .array(let existing) = self { elements = existing }
            while elements.count <= index { elements.append(.object([:])) }
            elements[index].set(value, at: path.dropFirst())
            self = .array(elements)
        }
    }
}

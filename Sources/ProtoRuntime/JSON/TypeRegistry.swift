/// The message types a `google.protobuf.Any` may hold in JSON, looked up by full name or type URL.
///
/// JSON writes an `Any` as its payload's fields plus `"@type"`, so encoding and decoding need the
/// payload's descriptor. The well-known types are always registered; so is every message type
/// reachable through the fields of the types you register (their nested and field types).
public struct TypeRegistry: Sendable {
    private var byName: [String: MessageDescriptor] = [:]

    /// A registry of the well-known types plus `descriptors` and the message types they reach.
    public init(_ descriptors: [MessageDescriptor] = []) {
        self = Self.wellKnownOnly
        for descriptor in descriptors { register(descriptor) }
    }

    // Built once: the default options of every encode and decode use it.
    private static let wellKnownOnly: TypeRegistry = {
        var registry = TypeRegistry(noDefaults: ())
        for descriptor in WellKnownType.descriptors { registry.register(descriptor) }
        return registry
    }()

    private init(noDefaults: Void) {}

    /// The descriptor registered under a full name such as `clinic.patients.v1.Patient`.
    public func descriptor(named fullName: String) -> MessageDescriptor? {
        byName[fullName]
    }

    /// The descriptor a type URL names: the part after the last `/`
    /// (`type.googleapis.com/google.protobuf.Duration`).
    public func descriptor(forTypeURL url: String) -> MessageDescriptor? {
        guard let slash = url.lastIndex(of: "/") else { return byName[url] }
        return byName[String(url[url.index(after: slash)...])]
    }

    /// Every registered full name, sorted.
    public var fullNames: [String] { byName.keys.sorted() }

    private mutating func register(_ root: MessageDescriptor) {
        var pending = [root]
        while let descriptor = pending.popLast() {
            guard byName.updateValue(descriptor, forKey: descriptor.fullName) == nil else { continue }
            for field in descriptor.fields {
                if case .message(let nested) = field.type, byName[nested.fullName] == nil {
                    pending.append(nested)
                }
            }
        }
    }
}

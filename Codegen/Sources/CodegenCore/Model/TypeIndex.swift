/// Every message and enum the request knows (files to generate and their imports), by full name.
struct TypeIndex {
    enum Kind {
        case message(MessageProto)
        case enumeration(EnumProto)
    }

    struct Entry {
        /// Without the leading dot: `clinic.auth.v1.LoginRequest`.
        var fullName: String
        /// Qualified Swift name: `Clinic_Auth_V1_Outer.Inner`.
        var swiftName: String
        var cTypeName: String
        var cLowerName: String
        var kind: Kind
        var file: String

        var isMapEntry: Bool {
            if case .message(let message) = kind { return message.isMapEntry }
            return false
        }

        var message: MessageProto? {
            if case .message(let message) = kind { return message }
            return nil
        }
    }

    private(set) var entries: [String: Entry] = [:]

    init(files: [FileProto]) {
        for file in files {
            let prefix = Naming.swiftPrefix(package: file.package)
            let scope = file.package.isEmpty ? "" : file.package + "."
            for message in file.messages {
                add(message, scope: scope, swiftParent: nil, swiftPrefix: prefix, file: file.name)
            }
            for enumeration in file.enums {
                add(enumeration, scope: scope, swiftName: prefix + enumeration.name, file: file.name)
            }
        }
    }

    private mutating func add(
        _ message: MessageProto, scope: String, swiftParent: String?, swiftPrefix: String, file: String
    ) {
        let fullName = scope + message.name
        let swiftName = swiftParent.map { "\($0).\(message.name)" } ?? swiftPrefix + message.name
        entries[fullName] = Entry(
            fullName: fullName, swiftName: swiftName,
            cTypeName: Naming.cTypeName(fullName: fullName), cLowerName: Naming.cLowerName(fullName: fullName),
            kind: .message(message), file: file)
        for nested in message.nested {
            add(nested, scope: fullName + ".", swiftParent: swiftName, swiftPrefix: swiftPrefix, file: file)
        }
        for enumeration in message.enums {
            add(enumeration, scope: fullName + ".", swiftName: "\(swiftName).\(enumeration.name)", file: file)
        }
    }

    private mutating func add(_ enumeration: EnumProto, scope: String, swiftName: String, file: String) {
        let fullName = scope + enumeration.name
        entries[fullName] = Entry(
            fullName: fullName, swiftName: swiftName,
            cTypeName: Naming.cTypeName(fullName: fullName), cLowerName: Naming.cLowerName(fullName: fullName),
            kind: .enumeration(enumeration), file: file)
    }

    /// Looks up a `type_name` from a field or method (`.pkg.Type`).
    func resolve(_ typeName: String) throws(CodegenError) -> Entry {
        let name = typeName.hasPrefix(".") ? String(typeName.dropFirst()) : typeName
        guard let entry = entries[name] else { throw CodegenError("unknown type \(typeName)") }
        return entry
    }

    /// Whether a value of `from` holds a value of `target` inline (through singular message
    /// fields), so a field of that type must be boxed to give the struct a finite size.
    func reaches(_ from: String, _ target: String) -> Bool {
        var visited: Set<String> = []
        var pending = [from]
        while let name = pending.popLast() {
            if name == target { return true }
            guard visited.insert(name).inserted, let message = entries[name]?.message else { continue }
            for field in message.fields where field.type == 11 && field.label != .repeated {
                pending.append(String(field.typeName.dropFirst()))
            }
        }
        return false
    }
}

/// A message as the renderers need it: fields resolved, oneofs grouped, recursion detected.
struct MessageModel {
    struct Oneof {
        /// Index in the message's `oneof_decl`.
        var index: Int
        var protoName: String
        var swiftName: String
        var enumName: String
        var members: [FieldModel]
        /// Some member's type contains this message, so the enum must be `indirect`.
        var isIndirect: Bool
    }

    var entry: TypeIndex.Entry
    var proto: MessageProto
    var fields: [FieldModel]
    var oneofs: [Oneof]
    var nestedMessages: [MessageModel]
    var nestedEnums: [TypeIndex.Entry]
    /// Path in the file's SourceCodeInfo, for comments.
    var path: [Int]

    /// The name declared in its scope: prefixed at top level, plain when nested.
    var swiftLocalName: String { String(entry.swiftName.split(separator: ".").last ?? "") }

    init(entry: TypeIndex.Entry, path: [Int], index: TypeIndex) throws(CodegenError) {
        guard let proto = entry.message else { throw CodegenError("\(entry.fullName) is not a message") }
        self.entry = entry
        self.proto = proto
        self.path = path

        var used: Set<String> = ["unknownFields", "protoDescriptor"]
        func unique(_ name: String, number: Int) -> String {
            var candidate = name
            if used.contains(candidate) { candidate += "_\(number)" }
            used.insert(candidate)
            return Naming.escaped(candidate)
        }

        // One-field oneofs named `_<field>` are presence markers: they become Swift optionals.
        let syntheticOneofs = Set(proto.oneofs.indices.filter { oneofIndex in
            let members = proto.fields.filter { $0.oneofIndex == oneofIndex }
            return members.count == 1 && (proto.oneofs[oneofIndex] == "_" + members[0].name || members[0].proto3Optional)
        })

        var fields: [FieldModel] = []
        var oneofMembers: [Int: [FieldModel]] = [:]
        for field in proto.fields {
            let value = try FieldModel.value(of: field, index: index)
            let swiftName = unique(Naming.lowerCamel(field.name), number: field.number)
            let storage: FieldModel.Storage
            if field.label == .repeated {
                if case .message(let entryType) = value, entryType.isMapEntry, let entryMessage = entryType.message {
                    guard entryMessage.fields.count == 2 else { throw CodegenError("\(entryType.fullName): bad map entry") }
                    let key = FieldModel(
                        proto: entryMessage.fields[0], swiftName: "key", cName: "key",
                        value: try FieldModel.value(of: entryMessage.fields[0], index: index), storage: .plain)
                    let mapValue = FieldModel(
                        proto: entryMessage.fields[1], swiftName: "value", cName: "value",
                        value: try FieldModel.value(of: entryMessage.fields[1], index: index), storage: .plain)
                    storage = .map(key: key, value: mapValue)
                } else {
                    storage = .repeated
                }
            } else if let oneofIndex = field.oneofIndex {
                storage = syntheticOneofs.contains(oneofIndex)
                    ? .optional(syntheticOneof: proto.oneofs[oneofIndex]) : .oneof(oneofIndex)
            } else if case .message(let type) = value {
                storage = index.reaches(type.fullName, entry.fullName) ? .boxed : .optional(syntheticOneof: nil)
            } else {
                storage = .plain
            }
            let model = FieldModel(
                proto: field, swiftName: swiftName, cName: Naming.cFieldName(field.name), value: value, storage: storage)
            if case .oneof(let oneofIndex) = storage {
                oneofMembers[oneofIndex, default: []].append(model)
            }
            fields.append(model)
        }
        self.fields = fields
        var oneofs: [Oneof] = []
        for oneofIndex in proto.oneofs.indices {
            guard let members = oneofMembers[oneofIndex] else { continue }
            let name = proto.oneofs[oneofIndex]
            let indirect = members.contains { member in
                if case .message(let type) = member.value { return index.reaches(type.fullName, entry.fullName) }
                return false
            }
            oneofs.append(Oneof(
                index: oneofIndex, protoName: name, swiftName: unique(Naming.lowerCamel(name), number: oneofIndex),
                enumName: "OneOf_" + Naming.upperCamel(name), members: members, isIndirect: indirect))
        }
        self.oneofs = oneofs

        var nestedMessages: [MessageModel] = []
        for (offset, nested) in proto.nested.enumerated() {
            let nestedEntry = try index.resolve(entry.fullName + "." + nested.name)
            if nestedEntry.isMapEntry { continue }
            nestedMessages.append(try MessageModel(entry: nestedEntry, path: path + [3, offset], index: index))
        }
        self.nestedMessages = nestedMessages
        self.nestedEnums = try proto.enums.map { (nested) throws(CodegenError) in
            try index.resolve(entry.fullName + "." + nested.name)
        }
    }

    /// Map-entry types nested in this message (C only; they need descriptor accessors).
    func mapEntries(index: TypeIndex) -> [TypeIndex.Entry] {
        proto.nested.compactMap { try? index.resolve(entry.fullName + "." + $0.name) }.filter(\.isMapEntry)
    }
}

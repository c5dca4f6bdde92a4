import Foundation

/// Renders a message as a Swift value type that converts to and from its protobuf-c struct.
struct MessageRenderer {
    let index: TypeIndex
    let comments: [[Int]: String]

    func render(_ message: MessageModel, into out: inout CodeWriter) throws(CodegenError) {
        out.docComment(comments[message.path])
        try out.block("public struct \(message.swiftLocalName): ProtoMessage") { (out) throws(CodegenError) in
            for field in message.fields { declare(field, message: message, into: &out) }
            for oneof in message.oneofs {
                out.docComment(comments[message.path + [8, oneof.index]])
                out.line("public var \(oneof.swiftName): \(oneof.enumName)?")
            }
            out.line("/// Fields read from the wire that this version of the schema does not know.")
            out.line("public var unknownFields: UnknownFields")
            for oneof in message.oneofs {
                out.line()
                renderOneofEnum(oneof, message: message, into: &out)
            }
            out.line()
            out.line("/// A message with every field at its default.")
            out.block("public init()") { out in
                for field in message.fields {
                    switch field.storage {
                    case .plain: out.line("self.\(field.swiftName) = \(FieldCode.defaultValue(field))")
                    case .repeated: out.line("self.\(field.swiftName) = []")
                    // Not `[:]`: the literal is a call to `init(dictionaryLiteral:)` on every decode.
                    case .map(let key, let value): out.line("self.\(field.swiftName) = [\(key.swiftValueType): \(value.swiftValueType)]()")
                    case .optional, .boxed, .oneof: break
                    }
                }
                out.line("self.unknownFields = UnknownFields()")
            }
            out.line()
            out.line("/// The protobuf-c descriptor of this message type.")
            out.block("public static var protoDescriptor: MessageDescriptor") { out in
                out.line("MessageDescriptor(_cDescriptor: \(message.entry.cLowerName)__descriptor_ref())")
            }
            out.line()
            out.line("/// `_writeC` keeps the arena's packed-size bound (encoding packs without measuring first).")
            out.line("public static var _keepsPackedSizeBound: Swift.Bool { true }")
            out.line()
            renderRead(message, into: &out)
            out.line()
            renderWrite(message, into: &out)
            for (offset, nested) in message.nestedEnums.enumerated() {
                out.line()
                try EnumRenderer(comments: comments).render(nested, path: message.path + [4, offset], into: &out)
            }
            for nested in message.nestedMessages {
                out.line()
                try render(nested, into: &out)
            }
        }
    }

    private func declare(_ field: FieldModel, message: MessageModel, into out: inout CodeWriter) {
        if case .oneof = field.storage { return }
        out.docComment(comments[fieldPath(field, message)])
        let type = field.swiftValueType
        switch field.storage {
        case .plain:
            // No initial values here: `init()` and `init(_cMessage:)` set every stored property
            // once, so decoding does not first store the defaults and then overwrite them.
            out.line("public var \(field.swiftName): \(type)")
        case .optional:
            out.line("public var \(field.swiftName): \(type)?")
        case .boxed:
            let storage = "_\(field.swiftName.replacingOccurrences(of: "`", with: ""))"
            out.line("public var \(field.swiftName): \(type)? {")
            out.line("    get { \(storage)?.value }")
            out.line("    set { \(storage) = newValue.map { ProtoBox($0) } }")
            out.line("}")
            out.line("private var \(storage): ProtoBox<\(type)>?")
        case .repeated:
            out.line("public var \(field.swiftName): [\(type)]")
        case .map(let key, let value):
            out.line("public var \(field.swiftName): [\(key.swiftValueType): \(value.swiftValueType)]")
        case .oneof:
            break
        }
    }

    private func fieldPath(_ field: FieldModel, _ message: MessageModel) -> [Int] {
        message.path + [2, message.proto.fields.firstIndex { $0.number == field.number } ?? 0]
    }

    private func renderOneofEnum(_ oneof: MessageModel.Oneof, message: MessageModel, into out: inout CodeWriter) {
        let indirect = oneof.isIndirect ? "indirect " : ""
        out.block("public \(indirect)enum \(oneof.enumName): Sendable, Equatable") { out in
            for member in oneof.members {
                out.docComment(comments[fieldPath(member, message)])
                out.line("case \(member.swiftName)(\(member.swiftValueType))")
            }
        }
    }

    // MARK: C → Swift
    //
    // Two shapes, both chosen for what the optimizer makes of them (measured with callgrind):
    // built field by field, a struct holding an optional message (or a oneof) is copied once
    // more on its way out of the init (a retain and a release of every field), so such messages
    // start from `init()` and are read in place by a mutating `_readC`; the others read every
    // value into a local first and store them all at the end, with no throw in between.

    /// Whether the message is read in place (`init()`, then `_readC`) rather than through locals.
    static func readsInPlace(_ message: MessageModel) -> Bool {
        if !message.oneofs.isEmpty { return true }
        return message.fields.contains { field in
            switch (field.storage, field.value) {
            case (.boxed, _), (.optional, .message): true
            default: false
            }
        }
    }

    private func renderRead(_ message: MessageModel, into out: inout CodeWriter) {
        let cStruct = "let _c = pointer.assumingMemoryBound(to: \(message.entry.cTypeName).self).pointee"
        guard Self.readsInPlace(message) else {
            out.block("public init(_cMessage pointer: UnsafeRawPointer) throws(ProtoError)") { out in
                if !message.fields.isEmpty { out.line(cStruct) }
                for field in message.fields { readIntoLocal(field, into: &out) }
                for field in message.fields { out.line("self.\(field.swiftName) = \(Self.local(field))") }
                out.line("self.unknownFields = CMessageReader.unknownFields(pointer)")
            }
            return
        }
        out.block("public init(_cMessage pointer: UnsafeRawPointer) throws(ProtoError)") { out in
            out.line("self.init()")
            out.line("try _readC(pointer)")
        }
        out.line()
        out.line("/// Reads the C message at `pointer` into this value, which holds the defaults.")
        out.block("public mutating func _readC(_ pointer: UnsafeRawPointer) throws(ProtoError)") { out in
            if !message.fields.isEmpty { out.line(cStruct) }
            for field in message.fields { readInPlace(field, into: &out) }
            for oneof in message.oneofs {
                out.switchBlock("switch _c.\(oneof.protoName.lowercased())_case.rawValue") { out in
                    for member in oneof.members {
                        out.line("case \(member.number): self.\(oneof.swiftName) = .\(member.swiftName)(\(FieldCode.read(member.value, "_c.\(member.cName)", field: member.proto.name)))")
                    }
                    out.line("default: break")
                }
            }
            out.line("self.unknownFields = CMessageReader.unknownFields(pointer)")
        }
    }

    /// The local that `readIntoLocal` reads a field into.
    private static func local(_ field: FieldModel) -> String {
        field.swiftName.replacingOccurrences(of: "`", with: "") + "Value"
    }

    /// Reads a field of a message that `readsInPlace` rejects (no message-valued presence, no
    /// oneofs) into a new local.
    private func readIntoLocal(_ field: FieldModel, into out: inout CodeWriter) {
        let name = Self.local(field), c = "_c.\(field.cName)"
        switch field.storage {
        case .plain:
            out.line("let \(name) = \(FieldCode.read(field.value, c, field: field.proto.name))")
        case .optional(let synthetic):
            out.line("let \(name): \(field.swiftValueType)?")
            let present = synthetic.map { "_c.\($0.lowercased())_case.rawValue == \(field.number)" } ?? "\(c) != nil"
            out.ifElse(present) { out in
                out.line("\(name) = \(FieldCode.read(field.value, c, field: field.proto.name))")
            } else: { out in out.line("\(name) = nil") }
        case .repeated:
            readRepeated(field, into: "let \(name)", out: &out)
        case .map(let key, let value):
            out.line("let \(name): [\(key.swiftValueType): \(value.swiftValueType)]")
            out.ifElse("_c.n_\(field.cName) > 0") { out in
                readMap(field, key: key, value: value, into: name, out: &out)
            } else: { out in out.line("\(name) = [\(key.swiftValueType): \(value.swiftValueType)]()") }
        case .boxed, .oneof:
            preconditionFailure("\(field.proto.name): messages with boxed or oneof fields are read in place")
        }
    }

    /// Reads a field into `self`, which holds its default.
    private func readInPlace(_ field: FieldModel, into out: inout CodeWriter) {
        let name = "self.\(field.swiftName)", c = "_c.\(field.cName)"
        switch field.storage {
        case .plain:
            out.line("\(name) = \(FieldCode.read(field.value, c, field: field.proto.name))")
        case .optional(let synthetic?):
            out.block("if _c.\(synthetic.lowercased())_case.rawValue == \(field.number)") { out in
                out.line("\(name) = \(FieldCode.read(field.value, c, field: field.proto.name))")
            }
        case .optional(nil):
            out.block("if \(c) != nil") { out in
                out.line("\(name) = \(FieldCode.read(field.value, c, field: field.proto.name))")
            }
        case .boxed:
            // The storage itself: the computed property's setter would box through an optional.
            let storage = "self._\(field.swiftName.replacingOccurrences(of: "`", with: ""))"
            out.block("if \(c) != nil") { out in
                out.line("\(storage) = ProtoBox(\(FieldCode.read(field.value, c, field: field.proto.name)))")
            }
        case .repeated:
            readRepeated(field, into: name, out: &out)
        case .map(let key, let value):
            out.block("if _c.n_\(field.cName) > 0") { out in
                readMap(field, key: key, value: value, into: name, out: &out)
            }
        case .oneof:
            break
        }
    }

    /// `target = ` the repeated field's array (with a closure for non-scalar elements).
    private func readRepeated(_ field: FieldModel, into target: String, out: inout CodeWriter) {
        let c = "_c.\(field.cName)"
        if case .scalar(let type, _) = field.value, type != "Bool" {
            out.line("\(target) = CMessageReader.array(count: _c.n_\(field.cName), \(c))")
            return
        }
        let element = FieldCode.cElementType(field.value)
        out.line("\(target) = try CMessageReader.array(count: _c.n_\(field.cName), \(c)) { (element: \(element)) throws(ProtoError) in")
        out.line("    \(FieldCode.read(field.value, "element", field: field.proto.name))")
        out.line("}")
    }

    /// Statements building a map field's dictionary and storing it in `target`.
    private func readMap(_ field: FieldModel, key: FieldModel, value: FieldModel, into target: String, out: inout CodeWriter) {
        // minimumCapacity, not reserveCapacity: the latter runs unspecialized.
        out.line("var map = [\(key.swiftValueType): \(value.swiftValueType)](minimumCapacity: _c.n_\(field.cName))")
        out.block("for index in 0..<_c.n_\(field.cName)") { out in
            out.line("// Force-unwrap: protobuf-c never leaves a NULL entry in an unpacked map.")
            out.line("let entry = _c.\(field.cName)[index]!.pointee")
            out.line("map[\(FieldCode.read(key.value, "entry.key", field: "key"))] = \(FieldCode.read(value.value, "entry.value", field: "value"))")
        }
        out.line("\(target) = map")
    }

    // MARK: Swift → C

    private func renderWrite(_ message: MessageModel, into out: inout CodeWriter) {
        out.block("public func _writeC(to pointer: UnsafeMutableRawPointer, arena: inout ProtoArena) throws(ProtoError)") { out in
            if !message.fields.isEmpty {
                out.line("let _c = pointer.assumingMemoryBound(to: \(message.entry.cTypeName).self)")
            }
            let fixed = FieldCode.fixedPackedBound(message)
            if fixed > 0 {
                out.line("// Tags, length prefixes and widest scalars of the fields (strings, bytes, repeated")
                out.line("// fields, sub-messages and unknown fields add their own parts as they are written).")
                out.line("arena.addPackedSizeBound(\(fixed))")
            }
            for field in message.fields {
                write(field, into: &out)
            }
            for oneof in message.oneofs {
                out.switchBlock("switch self.\(oneof.swiftName)") { out in
                    for member in oneof.members {
                        out.line("case .\(member.swiftName)(let value)?:")
                        out.indented { out in
                            let (setup, value) = FieldCode.write(member.value, "value", scratch: "valueBytes")
                            for statement in setup { out.line(statement) }
                            out.line("_c.pointee.\(oneof.protoName.lowercased())_case = .init(rawValue: \(member.number))")
                            out.line("_c.pointee.\(member.cName) = \(value)")
                        }
                    }
                    out.line("case nil:")
                    out.line("    break")
                }
            }
            out.line("arena.setUnknownFields(unknownFields, message: pointer)")
        }
    }

    private func write(_ field: FieldModel, into out: inout CodeWriter) {
        let name = "self.\(field.swiftName)", target = "_c.pointee.\(field.cName)"
        let scratch = field.swiftName.replacingOccurrences(of: "`", with: "") + "Bytes"
        switch field.storage {
        case .plain:
            let (setup, value) = FieldCode.write(field.value, name, scratch: scratch)
            for statement in setup { out.line(statement) }
            out.line("\(target) = \(value)")
            if FieldCode.isFloatingPoint(field.value) {
                out.line("arena.keepNegativeZero(\(name), number: \(field.number), message: pointer)")
            }
        case .optional(let synthetic):
            out.block("if let value = \(name)") { out in
                let (setup, value) = FieldCode.write(field.value, "value", scratch: "valueBytes")
                for statement in setup { out.line(statement) }
                if let synthetic {
                    out.line("_c.pointee.\(synthetic.lowercased())_case = .init(rawValue: \(field.number))")
                }
                out.line("\(target) = \(value)")
            }
        case .boxed:
            out.block("if let value = \(name)") { out in
                out.line("\(target) = \(FieldCode.write(field.value, "value", scratch: "valueBytes").value)")
            }
        case .repeated:
            out.line("_c.pointee.n_\(field.cName) = \(name).count")
            out.line("arena.addPackedSizeBound(\(name).count &* \(FieldCode.elementPackedBound(field)))")
            if case .scalar(let type, _) = field.value, type != "Bool" {
                out.line("\(target) = arena.array(\(name))")
            } else {
                let element = FieldCode.cElementType(field.value)
                let (setup, value) = FieldCode.write(field.value, "values[index]", scratch: "elementBytes")
                out.block("if !\(name).isEmpty") { out in
                    // A local copy of the array (one retain): elements read from it are borrowed,
                    // while reading them through `self` (in memory) copies each one.
                    out.line("let values = \(name)")
                    // Uninitialized: the loop sets every element (after a throw nothing is packed).
                    out.line("let elements = arena.uninitialized(\(element).self, count: values.count)")
                    // Indices, not enumerated(): elements are read in place, with no copy to retain.
                    out.block("for index in values.indices") { out in
                        for statement in setup { out.line(statement) }
                        out.line("(elements + index).initialize(to: \(value))")
                    }
                    out.line("\(target) = elements")
                }
            }
        case .map(let key, let value):
            guard case .message(let entryType) = field.value else { return }
            out.block("if !\(name).isEmpty") { out in
                out.line("arena.addPackedSizeBound(\(name).count &* \(FieldCode.entryPackedBound(field, key: key, value: value)))")
                out.line("let entries = arena.uninitialized(UnsafeMutablePointer<\(entryType.cTypeName)>?.self, count: \(name).count)")
                out.line("var index = 0")
                // By dictionary index on a local copy, not `for (key, value) in`: the iterator hands
                // out owned copies of every key and value (a retain and a release each).
                out.line("let map = \(name)")
                out.line("var position = map.startIndex")
                out.block("while position != map.endIndex") { out in
                    out.line("let key = map.keys[position], value = map.values[position]")
                    out.line("let entry = arena.uninitialized(\(entryType.cTypeName).self)")
                    out.line("\(entryType.cLowerName)__init(entry)")
                    let (keySetup, keyValue) = FieldCode.write(key.value, "key", scratch: "keyBytes")
                    let (valueSetup, valueValue) = FieldCode.write(value.value, "value", scratch: "valueBytes")
                    for statement in keySetup + valueSetup { out.line(statement) }
                    out.line("entry.pointee.key = \(keyValue)")
                    out.line("entry.pointee.value = \(valueValue)")
                    if FieldCode.isFloatingPoint(value.value) {
                        out.line("arena.keepNegativeZero(value, number: 2, message: UnsafeMutableRawPointer(entry))")
                    }
                    out.line("(entries + index).initialize(to: entry)")
                    out.line("index += 1")
                    out.line("map.formIndex(after: &position)")
                }
                out.line("_c.pointee.n_\(field.cName) = \(name).count")
                out.line("\(target) = entries")
            }
        case .oneof:
            break
        }
    }
}

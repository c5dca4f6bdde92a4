/// Renders a proto enum as a Swift enum that keeps unknown numbers (`UNRECOGNIZED`).
struct EnumRenderer {
    let comments: [[Int]: String]

    /// `path` locates the enum in the file's SourceCodeInfo, for its comments and its values'.
    func render(_ entry: TypeIndex.Entry, path: [Int], into out: inout CodeWriter) throws(CodegenError) {
        guard case .enumeration(let proto) = entry.kind else { return }
        let localName = String(entry.swiftName.split(separator: ".").last ?? "")
        // The first name of each number is the case; later names of the same number are aliases.
        var cases: [(name: String, number: Int, comment: String?)] = []
        var aliases: [(name: String, target: String)] = []
        var seenNumbers: [Int: String] = [:]
        var usedNames: Set<String> = ["UNRECOGNIZED", "allCases", "protoNumber", "protoDescriptor"]
        for (valueIndex, value) in proto.values.enumerated() {
            var name = Naming.enumCaseName(value: value.name, enumName: proto.name)
            if usedNames.contains(name) { name += "_\(value.number < 0 ? "m\(-value.number)" : "\(value.number)")" }
            if usedNames.contains(name) { continue }
            usedNames.insert(name)
            if let target = seenNumbers[value.number] {
                aliases.append((name, target))
            } else {
                seenNumbers[value.number] = name
                cases.append((name, value.number, comments[path + [2, valueIndex]]))
            }
        }
        guard let first = cases.first else { throw CodegenError("\(entry.fullName) has no values") }
        out.docComment(comments[path])
        out.block("public enum \(localName): ProtoEnum") { out in
            for item in cases {
                out.docComment(item.comment)
                out.line("case \(Naming.escaped(item.name)) // = \(item.number)")
            }
            out.line("/// A number this version of the schema does not declare.")
            out.line("case UNRECOGNIZED(Int32)")
            out.line()
            out.line("/// The proto3 default (the value numbered 0).")
            out.block("public init()") { out in out.line("self = .\(Naming.escaped(first.name))") }
            out.line()
            out.line("/// The case for a wire number; numbers the schema does not declare become `UNRECOGNIZED`.")
            out.block("public init(protoNumber: Int32)") { out in
                out.switchBlock("switch protoNumber") { out in
                    for item in cases { out.line("case \(item.number): self = .\(Naming.escaped(item.name))") }
                    out.line("default: self = .UNRECOGNIZED(protoNumber)")
                }
            }
            out.line()
            out.line("/// The wire number.")
            out.block("public var protoNumber: Int32") { out in
                out.switchBlock("switch self") { out in
                    for item in cases { out.line("case .\(Naming.escaped(item.name)): \(item.number)") }
                    out.line("case .UNRECOGNIZED(let number): number")
                }
            }
            out.line()
            out.line("/// The declared values (aliases and `UNRECOGNIZED` excluded).")
            out.line("public static let allCases: [\(localName)] = [\(cases.map { ".\(Naming.escaped($0.name))" }.joined(separator: ", "))]")
            out.line()
            out.line("/// The protobuf-c descriptor of this enum type.")
            out.block("public static var protoDescriptor: EnumDescriptor") { out in
                out.line("EnumDescriptor(_cDescriptor: \(entry.cLowerName)__descriptor_ref())")
            }
            for alias in aliases {
                out.line()
                out.line("/// An alias of `\(alias.target)`.")
                out.line("public static let \(Naming.escaped(alias.name)) = \(localName).\(Naming.escaped(alias.target))")
            }
        }
    }
}

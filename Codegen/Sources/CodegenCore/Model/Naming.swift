/// Name derivations: protoc-c's C names (which the generated Swift must match exactly) and the
/// Swift names of generated types and members.
enum Naming {
    // MARK: protoc-c (c_helpers.cc of protobuf-c 1.4.1)

    /// `ToCamel`: drop underscores, upper-case the letter after each (and the first).
    static func cCamel(_ name: String) -> String {
        var result = ""
        var nextUpper = true
        for character in name {
            if character == "_" {
                nextUpper = true
            } else if nextUpper {
                result += character.uppercased()
                nextUpper = false
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// `CamelToLower`: an underscore before each upper-case letter that follows a non-upper one.
    static func cCamelToLower(_ name: String) -> String {
        var result = ""
        var wasUpper = true
        for character in name {
            let isUpper = character.isASCII && character.isUppercase
            if isUpper {
                if !wasUpper { result += "_" }
                result += character.lowercased()
            } else {
                result.append(character)
            }
            wasUpper = isUpper
        }
        return result
    }

    /// The C struct or enum type name of a full proto name (`FullNameToC`).
    static func cTypeName(fullName: String) -> String {
        fullName.split(separator: ".").map { cCamel(String($0)) }.joined(separator: "__")
    }

    /// The lower-case C identifier prefix of a full proto name (`FullNameToLower`).
    static func cLowerName(fullName: String) -> String {
        fullName.split(separator: ".").map { cCamelToLower(String($0)) }.joined(separator: "__")
    }

    private static let cKeywords: Set<String> = [
        "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch", "char", "class",
        "compl", "const", "const_cast", "continue", "default", "delete", "do", "double", "dynamic_cast", "else",
        "enum", "explicit", "extern", "false", "float", "for", "friend", "goto", "if", "inline", "int", "long",
        "mutable", "namespace", "new", "not", "not_eq", "operator", "or", "or_eq", "private", "protected",
        "public", "register", "reinterpret_cast", "return", "short", "signed", "sizeof", "static",
        "static_cast", "struct", "switch", "template", "this", "throw", "true", "try", "typedef", "typeid",
        "typename", "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor",
        "xor_eq",
    ]

    /// The C struct member of a field (`FieldName`): lower-cased, keywords suffixed with `_`.
    static func cFieldName(_ name: String) -> String {
        let lower = name.lowercased()
        return cKeywords.contains(lower) ? lower + "_" : lower
    }

    // MARK: Swift

    /// The Swift prefix of a package: `clinic.auth.v1` → `Clinic_Auth_V1_`.
    static func swiftPrefix(package: String) -> String {
        guard !package.isEmpty else { return "" }
        return package.split(separator: ".").map { cCamel(String($0)) }.joined(separator: "_") + "_"
    }

    /// protoc's JSON name with a lower-case first letter: the Swift property name of a field.
    static func lowerCamel(_ name: String) -> String {
        var result = ""
        var capitalizeNext = false
        for character in name {
            if character == "_" {
                capitalizeNext = !result.isEmpty
            } else if capitalizeNext {
                result += character.uppercased()
                capitalizeNext = false
            } else {
                result.append(character)
            }
        }
        guard let first = result.first else { return "_" }
        return first.lowercased() + result.dropFirst()
    }

    /// `UPPER_SNAKE` → `UpperSnake`, for oneof enum names.
    static func upperCamel(_ name: String) -> String {
        let lower = lowerCamel(name)
        guard let first = lower.first else { return lower }
        return first.uppercased() + lower.dropFirst()
    }

    /// An enum value's Swift case: the enum-name prefix removed, lowerCamel of the rest.
    static func enumCaseName(value: String, enumName: String) -> String {
        let prefix = screamingSnake(enumName) + "_"
        var stripped = value
        if value.hasPrefix(prefix), value.count > prefix.count {
            let rest = String(value.dropFirst(prefix.count))
            if let first = rest.first, !first.isNumber { stripped = rest }
        }
        let words = stripped.split(separator: "_").map { $0.lowercased() }
        guard let head = words.first else { return "_" }
        return head + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// `AppointmentStatus` → `APPOINTMENT_STATUS`.
    static func screamingSnake(_ name: String) -> String {
        var result = ""
        var previousLower = false
        for character in name {
            if character.isUppercase, previousLower { result += "_" }
            result += character.uppercased()
            previousLower = character.isLowercase || character.isNumber
        }
        return result
    }

    private static let swiftKeywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
        "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return",
        "throw", "switch", "where", "while", "as", "false", "is", "nil", "self", "Self", "super", "throws",
        "true", "try", "Any", "Type", "Protocol", "any", "some",
    ]

    /// Backticks around a Swift keyword.
    static func escaped(_ identifier: String) -> String {
        swiftKeywords.contains(identifier) ? "`\(identifier)`" : identifier
    }
}

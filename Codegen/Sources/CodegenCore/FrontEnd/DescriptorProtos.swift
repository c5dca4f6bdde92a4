/// The parts of `google/protobuf/descriptor.proto` the generator reads, parsed from wire bytes.

struct FileProto {
    var name = ""
    var package = ""
    var dependencies: [String] = []
    var messages: [MessageProto] = []
    var enums: [EnumProto] = []
    var services: [ServiceProto] = []
    var syntax = "proto2"
    /// Comments by descriptor path (SourceCodeInfo.Location.path).
    var comments: [[Int]: String] = [:]

    init(bytes: [UInt8]) throws(CodegenError) {
        for (number, value) in try WireReader.fields(of: bytes) {
            switch number {
            case 1: name = value.string
            case 2: package = value.string
            case 3: dependencies.append(value.string)
            case 4: messages.append(try MessageProto(bytes: value.data))
            case 5: enums.append(try EnumProto(bytes: value.data))
            case 6: services.append(try ServiceProto(bytes: value.data))
            case 9: comments = try Self.comments(value.data)
            case 12: syntax = value.string
            default: break
            }
        }
    }

    private static func comments(_ bytes: [UInt8]) throws(CodegenError) -> [[Int]: String] {
        var result: [[Int]: String] = [:]
        for (number, location) in try WireReader.fields(of: bytes) where number == 1 {
            var path: [Int] = []
            var leading = ""
            for (field, value) in try WireReader.fields(of: location.data) {
                switch field {
                case 1: path += value.packedVarints
                case 3: leading = value.string
                default: break
                }
            }
            if !leading.isEmpty { result[path] = leading }
        }
        return result
    }
}

struct MessageProto {
    var name = ""
    var fields: [FieldProto] = []
    var nested: [MessageProto] = []
    var enums: [EnumProto] = []
    var oneofs: [String] = []
    var isMapEntry = false

    init(bytes: [UInt8]) throws(CodegenError) {
        for (number, value) in try WireReader.fields(of: bytes) {
            switch number {
            case 1: name = value.string
            case 2: fields.append(try FieldProto(bytes: value.data))
            case 3: nested.append(try MessageProto(bytes: value.data))
            case 4: enums.append(try EnumProto(bytes: value.data))
            case 7:
                for (option, flag) in try WireReader.fields(of: value.data) where option == 7 {
                    isMapEntry = flag.bool
                }
            case 8:
                for (field, oneofName) in try WireReader.fields(of: value.data) where field == 1 {
                    oneofs.append(oneofName.string)
                }
            default: break
            }
        }
    }
}

struct FieldProto {
    enum Label: Int { case optional = 1, required = 2, repeated = 3 }

    var name = ""
    var number = 0
    var label = Label.optional
    var type = 0
    var typeName = ""
    var oneofIndex: Int?
    var jsonName = ""
    var proto3Optional = false
    var rules: FieldRulesOption?

    init(bytes: [UInt8]) throws(CodegenError) {
        for (number, value) in try WireReader.fields(of: bytes) {
            switch number {
            case 1: name = value.string
            case 3: self.number = value.int
            case 4: label = Label(rawValue: value.int) ?? .optional
            case 5: type = value.int
            case 6: typeName = value.string
            case 8:
                for (option, payload) in try WireReader.fields(of: value.data) where option == 51001 {
                    rules = try FieldRulesOption(bytes: payload.data)
                }
            case 9: oneofIndex = value.int
            case 10: jsonName = value.string
            case 17: proto3Optional = value.bool
            default: break
            }
        }
    }
}

struct EnumProto {
    var name = ""
    var values: [(name: String, number: Int)] = []

    init(bytes: [UInt8]) throws(CodegenError) {
        for (number, value) in try WireReader.fields(of: bytes) {
            switch number {
            case 1: name = value.string
            case 2:
                var valueName = "", valueNumber = 0
                for (field, item) in try WireReader.fields(of: value.data) {
                    if field == 1 { valueName = item.string }
                    if field == 2 { valueNumber = Int(Int32(truncatingIfNeeded: item.int)) }
                }
                values.append((valueName, valueNumber))
            default: break
            }
        }
    }
}

struct ServiceProto {
    var name = ""
    var methods: [MethodProto] = []
    var defaultPolicy: MethodPolicyOption?

    init(bytes: [UInt8]) throws(CodegenError) {
        for (number, value) in try WireReader.fields(of: bytes) {
            switch number {
            case 1: name = value.string
            case 2: methods.append(try MethodProto(bytes: value.data))
            case 3:
                for (option, payload) in try WireReader.fields(of: value.data) where option == 51001 {
                    defaultPolicy = try MethodPolicyOption(bytes: payload.data)
                }
            default: break
            }
        }
    }
}

struct MethodProto {
    var name = ""
    var inputType = ""
    var outputType = ""
    var clientStreaming = false
    var serverStreaming = false
    var policy: MethodPolicyOption?
    var http: HTTPRuleOption?

    init(bytes: [UInt8]) throws(CodegenError) {
        for (number, value) in try WireReader.fields(of: bytes) {
            switch number {
            case 1: name = value.string
            case 2: inputType = value.string
            case 3: outputType = value.string
            case 4:
                for (option, payload) in try WireReader.fields(of: value.data) {
                    if option == 51001 { policy = try MethodPolicyOption(bytes: payload.data) }
                    if option == 51002 { http = try HTTPRuleOption(bytes: payload.data) }
                }
            case 5: clientStreaming = value.bool
            case 6: serverStreaming = value.bool
            default: break
            }
        }
    }
}

/// `clinic.options.v1.MethodPolicy`.
struct MethodPolicyOption: Equatable {
    var roles: [Int] = []
    var isPublic = false
    var isInternal = false
    var idempotent = false
    var tenantScoped = false

    init() {}

    init(bytes: [UInt8]) throws(CodegenError) {
        for (number, value) in try WireReader.fields(of: bytes) {
            switch number {
            case 1: roles += value.packedVarints
            case 2: isPublic = value.bool
            case 3: isInternal = value.bool
            case 4: idempotent = value.bool
            case 5: tenantScoped = value.bool
            default: break
            }
        }
    }
}

/// `clinic.options.v1.HttpRule`.
struct HTTPRuleOption: Equatable {
    var method = ""
    var path = ""
    var body = ""

    init(bytes: [UInt8]) throws(CodegenError) {
        let verbs = [1: "GET", 2: "POST", 3: "PUT", 4: "PATCH", 5: "DELETE"]
        for (number, value) in try WireReader.fields(of: bytes) {
            if let verb = verbs[number] {
                method = verb
                path = value.string
            } else if number == 6 {
                body = value.string
            }
        }
    }
}

/// `clinic.options.v1.FieldRules`.
struct FieldRulesOption: Equatable {
    var required = false
    var minLength = 0
    var maxLength = 0
    var format = 0
    var min: Int?
    var max: Int?
    var maxItems = 0
    var definedOnly = false
    var pattern = ""

    init(bytes: [UInt8]) throws(CodegenError) {
        for (number, value) in try WireReader.fields(of: bytes) {
            switch number {
            case 1: required = value.bool
            case 2: minLength = value.int
            case 3: maxLength = value.int
            case 4: format = value.int
            case 5: min = value.int
            case 6: max = value.int
            case 7: maxItems = value.int
            case 8: definedOnly = value.bool
            case 9: pattern = value.string
            default: break
            }
        }
    }
}

/// `google.protobuf.compiler.CodeGeneratorRequest`.
struct PluginRequest {
    var filesToGenerate: [String] = []
    var parameter = ""
    var files: [FileProto] = []

    init(bytes: [UInt8]) throws(CodegenError) {
        for (number, value) in try WireReader.fields(of: bytes) {
            switch number {
            case 1: filesToGenerate.append(value.string)
            case 2: parameter = value.string
            case 15: files.append(try FileProto(bytes: value.data))
            default: break
            }
        }
    }
}

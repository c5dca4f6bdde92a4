/// Renders a service: a namespace with method descriptors, the protocol implementers conform to,
/// router registration, and the typed client.
struct ServiceRenderer {
    let index: TypeIndex
    let comments: [[Int]: String]
    /// `clinic.common.v1.Role` value names by number, for policies (`ROLE_CLINIC_ADMIN` → `clinic_admin`).
    let roleNames: [Int: String]

    func render(_ service: ServiceProto, file: FileProto, serviceIndex: Int, into out: inout CodeWriter) throws(CodegenError) {
        let fullName = file.package.isEmpty ? service.name : "\(file.package).\(service.name)"
        let namespace = Naming.swiftPrefix(package: file.package) + service.name
        let methods = try service.methods.map { (method) throws(CodegenError) in
            (method, try index.resolve(method.inputType), try index.resolve(method.outputType))
        }
        out.docComment(comments[[6, serviceIndex]])
        try out.block("public enum \(namespace)") { (out) throws(CodegenError) in
            out.line("/// The service's descriptor.")
            out.line("public static let descriptor = ServiceDescriptor(fullName: \"\(fullName)\")")
            out.line()
            out.line("/// The service's methods: types and descriptors (policy, route, call shape).")
            try out.block("public enum Method") { (out) throws(CodegenError) in
                for (offset, (method, input, output)) in methods.enumerated() {
                    out.docComment(comments[[6, serviceIndex, 2, offset]])
                    try out.block("public enum \(method.name)") { (out) throws(CodegenError) in
                        out.line("public typealias Input = \(input.swiftName)")
                        out.line("public typealias Output = \(output.swiftName)")
                        out.line("public static let descriptor = MethodDescriptor(")
                        out.line("    service: \"\(fullName)\",")
                        out.line("    method: \"\(method.name)\",")
                        out.line("    kind: .\(kind(method)),")
                        out.line("    policy: \(try policy(method.policy ?? service.defaultPolicy)),")
                        out.line("    http: \(http(method.http))")
                        out.line(")")
                    }
                }
                out.line("/// Every method of the service, in declaration order.")
                out.line("public static let all: [MethodDescriptor] = [\(methods.map { "\($0.0.name).descriptor" }.joined(separator: ", "))]")
            }
            out.line()
            out.line("/// The methods with their message types, for callers that choose a method at run time.")
            out.line("public static let catalog = ServiceCatalog(descriptor: descriptor, methods: [")
            for (method, _, _) in methods {
                let name = "Method.\(method.name)"
                out.line("    MethodCatalogEntry(\(name).descriptor, input: \(name).Input.self, output: \(name).Output.self),")
            }
            out.line("])")
            out.line()
            try renderProtocol(methods, namespace: namespace, serviceIndex: serviceIndex, into: &out)
            out.line()
            try renderClient(methods, namespace: namespace, serviceIndex: serviceIndex, into: &out)
        }
        out.line()
        try renderRegistration(methods, namespace: namespace, into: &out)
    }

    private func kind(_ method: MethodProto) -> String {
        switch (method.clientStreaming, method.serverStreaming) {
        case (false, false): "unary"
        case (false, true): "serverStreaming"
        case (true, false): "clientStreaming"
        case (true, true): "bidirectionalStreaming"
        }
    }

    private func policy(_ option: MethodPolicyOption?) throws(CodegenError) -> String {
        guard let option else { return ".internalOnly" }
        let roles = try option.roles.map { (number) throws(CodegenError) -> String in
            guard let name = roleNames[number] else { throw CodegenError("unknown role number \(number)") }
            return "\"\(name)\""
        }
        return "MethodPolicy(roles: [\(roles.joined(separator: ", "))], isPublic: \(option.isPublic), "
            + "isInternal: \(option.isInternal), isIdempotent: \(option.idempotent), isTenantScoped: \(option.tenantScoped))"
    }

    private func http(_ rule: HTTPRuleOption?) -> String {
        guard let rule else { return "nil" }
        return "HTTPRoute(method: \"\(rule.method)\", path: \"\(rule.path)\", body: \"\(rule.body)\")"
    }

    private func swiftMethodName(_ method: MethodProto) -> String {
        Naming.escaped(method.name.prefix(1).lowercased() + method.name.dropFirst())
    }

    private func renderProtocol(
        _ methods: [(MethodProto, TypeIndex.Entry, TypeIndex.Entry)], namespace: String, serviceIndex: Int,
        into out: inout CodeWriter
    ) throws(CodegenError) {
        out.line("/// What a server implements; register it on a server with `registerMethods(with:)`.")
        out.block("public protocol ServiceProtocol: RPCService") { out in
            for (offset, (method, input, output)) in methods.enumerated() {
                out.docComment(comments[[6, serviceIndex, 2, offset]])
                let name = swiftMethodName(method)
                switch (method.clientStreaming, method.serverStreaming) {
                case (false, false):
                    out.line("func \(name)(request: \(input.swiftName), context: ServerContext) async throws -> \(output.swiftName)")
                case (false, true):
                    out.line("func \(name)(request: \(input.swiftName), response: RPCWriter<\(output.swiftName)>, context: ServerContext) async throws")
                case (true, false):
                    out.line("func \(name)(request: RPCAsyncSequence<\(input.swiftName)>, context: ServerContext) async throws -> \(output.swiftName)")
                case (true, true):
                    out.line("func \(name)(request: RPCAsyncSequence<\(input.swiftName)>, response: RPCWriter<\(output.swiftName)>, context: ServerContext) async throws")
                }
            }
        }
    }

    private func renderClient(
        _ methods: [(MethodProto, TypeIndex.Entry, TypeIndex.Entry)], namespace: String, serviceIndex: Int,
        into out: inout CodeWriter
    ) throws(CodegenError) {
        out.line("/// A typed client; calls go through any `RPCCaller` (a network client or an in-process one).")
        out.block("public struct Client: Sendable") { out in
            out.line("/// What carries the calls.")
            out.line("public let caller: any RPCCaller")
            out.line()
            out.line("/// A client whose calls go through `caller`.")
            out.block("public init(caller: any RPCCaller)") { out in out.line("self.caller = caller") }
            for (offset, (method, input, output)) in methods.enumerated() {
                out.line()
                out.docComment(comments[[6, serviceIndex, 2, offset]])
                let name = swiftMethodName(method)
                let descriptor = "Method.\(method.name).descriptor"
                switch (method.clientStreaming, method.serverStreaming) {
                case (false, false):
                    out.block("public func \(name)(_ request: \(input.swiftName), options: CallOptions = .defaults) async throws -> \(output.swiftName)") { out in
                        out.line("try await caller.unary(request: request, method: \(descriptor), options: options)")
                    }
                case (false, true):
                    out.line("public func \(name)<Result: Sendable>(")
                    out.line("    _ request: \(input.swiftName),")
                    out.line("    options: CallOptions = .defaults,")
                    out.line("    onResponse handle: @Sendable @escaping (RPCAsyncSequence<\(output.swiftName)>) async throws -> Result")
                    out.block(") async throws -> Result") { out in
                        out.line("try await caller.serverStreaming(request: request, method: \(descriptor), options: options, onResponse: handle)")
                    }
                case (true, false):
                    out.line("public func \(name)(")
                    out.line("    options: CallOptions = .defaults,")
                    out.line("    requestProducer produce: @Sendable @escaping (RPCWriter<\(input.swiftName)>) async throws -> Void")
                    out.block(") async throws -> \(output.swiftName)") { out in
                        out.line("try await caller.clientStreaming(method: \(descriptor), options: options, requestProducer: produce)")
                    }
                case (true, true):
                    out.line("public func \(name)<Result: Sendable>(")
                    out.line("    options: CallOptions = .defaults,")
                    out.line("    requestProducer produce: @Sendable @escaping (RPCWriter<\(input.swiftName)>) async throws -> Void,")
                    out.line("    onResponse handle: @Sendable @escaping (RPCAsyncSequence<\(output.swiftName)>) async throws -> Result")
                    out.block(") async throws -> Result") { out in
                        out.line("try await caller.bidirectionalStreaming(method: \(descriptor), options: options, requestProducer: produce, onResponse: handle)")
                    }
                }
            }
        }
    }

    private func renderRegistration(
        _ methods: [(MethodProto, TypeIndex.Entry, TypeIndex.Entry)], namespace: String, into out: inout CodeWriter
    ) throws(CodegenError) {
        out.block("extension \(namespace).ServiceProtocol") { out in
            out.line("/// The service's descriptor.")
            out.block("public var serviceDescriptor: ServiceDescriptor") { out in out.line("\(namespace).descriptor") }
            out.line()
            out.line("/// Registers every method's handler; the router validates requests and enforces policy.")
            out.block("public func registerMethods(with router: inout RPCRouter)") { out in
                for (method, input, output) in methods {
                    let name = swiftMethodName(method)
                    let descriptor = "\(namespace).Method.\(method.name).descriptor"
                    switch (method.clientStreaming, method.serverStreaming) {
                    case (false, false):
                        out.line("router.registerUnary(\(descriptor), \(input.swiftName).self, \(output.swiftName).self) { request, context in")
                        out.line("    try await self.\(name)(request: request, context: context)")
                    case (false, true):
                        out.line("router.registerServerStreaming(\(descriptor), \(input.swiftName).self, \(output.swiftName).self) { request, response, context in")
                        out.line("    try await self.\(name)(request: request, response: response, context: context)")
                    case (true, false):
                        out.line("router.registerClientStreaming(\(descriptor), \(input.swiftName).self, \(output.swiftName).self) { request, context in")
                        out.line("    try await self.\(name)(request: request, context: context)")
                    case (true, true):
                        out.line("router.registerBidirectionalStreaming(\(descriptor), \(input.swiftName).self, \(output.swiftName).self) { request, response, context in")
                        out.line("    try await self.\(name)(request: request, response: response, context: context)")
                    }
                    out.line("}")
                }
            }
        }
    }
}

import ProtoRuntime
import RPCCore

/// The OpenAPI 3.1 document of the routes, generated once at start-up from the same
/// descriptors the edge routes by: every `/rpc/` route and every resource route, bearer
/// security except on public methods, and the error body every route may answer.
struct OpenAPIBuilder {
    let routes: RouteTable
    private var schemas: OpenAPISchemas

    init(routes: RouteTable) {
        self.routes = routes
        var rules = FieldRuleIndex()
        for target in routes.targets { rules.add(target.inputType) }
        schemas = OpenAPISchemas(rules: rules)
    }

    func document() -> JSONNode {
        var builder = self
        return builder.build()
    }

    private mutating func build() -> JSONNode {
        var paths: [(String, [(String, JSONNode)])] = []
        func add(_ path: String, _ method: String, _ operation: JSONNode) {
            if let index = paths.firstIndex(where: { $0.0 == path }) {
                paths[index].1.append((method, operation))
            } else {
                paths.append((path, [(method, operation)]))
            }
        }
        for route in routes.resources {
            add(route.template.openAPIPath, route.httpMethod.lowercased(), operation(route.target, route: route))
        }
        for target in routes.targets where target.method.kind != .bidirectionalStreaming {
            add("/rpc/\(target.method.fullName)", "post", operation(target, route: nil))
        }
        let schemaMembers = schemas.schemas.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return .object([
            ("openapi", .string("3.1.0")),
            ("info", .object([
                ("title", .string("Clinic platform API")),
                ("version", .string("v1")),
                ("description", .string(
                    "Generated from the .proto files. JSON follows the proto3 canonical JSON mapping; errors are "
                        + "{code, message, details}; server-streaming methods answer text/event-stream, client-streaming "
                        + "methods read newline-delimited JSON (application/x-ndjson).")),
            ])),
            ("servers", .array([.object([("url", .string("/"))])])),
            ("security", .array([.object([("bearerAuth", .array([]))])])),
            ("paths", .object(paths.map { ($0.0, .object($0.1)) })),
            ("components", .object([
                ("securitySchemes", .object([
                    ("bearerAuth", .object([("type", .string("http")), ("scheme", .string("bearer")), ("bearerFormat", .string("JWT"))])),
                ])),
                ("responses", .object([
                    ("Error", .object([
                        ("description", .string("The call failed; the status follows docs/EDGE.md's mapping of the code.")),
                        ("content", .object([("application/json", .object([("schema", OpenAPISchemas.ref(Self.errorSchemaName))]))])),
                    ])),
                ])),
                ("schemas", .object(schemaMembers + [(Self.errorSchemaName, Self.errorSchema)])),
            ])),
        ])
    }

    static let errorSchemaName = "clinic.edge.Error"

    static let errorSchema: JSONNode = .object([
        ("type", .string("object")),
        ("required", .array([.string("code"), .string("message")])),
        ("properties", .object([
            ("code", .object([("type", .string("string")), ("enum", .array(RPCError.Code.all.map { .string($0.name) }))])),
            ("message", .object([("type", .string("string"))])),
            ("details", .object([
                ("type", .string("array")),
                ("items", .object([
                    ("type", .string("object")),
                    ("properties", .object([("@type", .object([("type", .string("string"))]))])),
                    ("required", .array([.string("@type")])),
                ])),
            ])),
        ])),
    ])

    private mutating func operation(_ target: MethodTarget, route: ResourceRoute?) -> JSONNode {
        let method = target.method
        var members: [(String, JSONNode)] = [
            ("operationId", .string(route == nil ? "\(method.service).\(method.method).rpc" : "\(method.service).\(method.method)")),
            ("summary", .string(method.fullName)),
            ("tags", .array([.string(method.service)])),
        ]
        var parameters: [JSONNode] = []
        let binding = route?.binding ?? .rpc
        if let route {
            for (variable, leaf) in zip(route.template.variables, binding.pathLeaves) {
                parameters.append(.object([
                    ("name", .string(variable)), ("in", .string("path")), ("required", .bool(true)),
                    ("schema", schemas.valueSchema(leaf.field)),
                ]))
            }
        }
        for leaf in binding.query?.leaves ?? [] {
            var parameter: [(String, JSONNode)] = [("name", .string(leaf.name)), ("in", .string("query"))]
            if isRequired(leaf, in: target.input) { parameter.append(("required", .bool(true))) }
            parameter.append(("schema", schemas.fieldSchema(leaf.field)))
            parameters.append(.object(parameter))
        }
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }
        if let body = requestBody(target, binding.body) { members.append(("requestBody", body)) }
        members.append(("responses", .object([
            ("200", success(target)),
            ("default", .object([("$ref", .string("#/components/responses/Error"))])),
        ])))
        if method.policy.isPublic { members.append(("security", .array([]))) }
        return .object(members)
    }

    /// Whether a query parameter must be given: its field and every message field above it are
    /// required (outside oneofs).
    private func isRequired(_ leaf: ParameterLeaf, in request: MessageDescriptor) -> Bool {
        var message = request
        for name in leaf.jsonPath {
            guard let field = message.field(named: name), let rule = schemas.rules.rule(for: field),
                rule.isRequired, rule.oneof == nil
            else { return false }
            if case .message(let nested) = field.type { message = nested }
        }
        return !leaf.jsonPath.isEmpty
    }

    private mutating func requestBody(_ target: MethodTarget, _ body: RequestBinding.Body) -> JSONNode? {
        func content(_ type: String, _ schema: JSONNode) -> JSONNode {
            .object([("required", .bool(false)), ("content", .object([(type, .object([("schema", schema)]))]))])
        }
        switch body {
        case .none: return nil
        case .whole where target.method.kind == .clientStreaming:
            return .object([
                ("description", .string("The stream of requests: one JSON message per line.")),
                ("content", .object([("application/x-ndjson", .object([("schema", schemas.reference(target.input))]))])),
            ])
        case .whole: return content("application/json", schemas.reference(target.input))
        case .messageField(_, _, let descriptor): return content("application/json", schemas.reference(descriptor))
        case .rawBytes: return content("application/octet-stream", .object([("type", .string("string")), ("contentMediaType", .string("application/octet-stream"))]))
        }
    }

    private mutating func success(_ target: MethodTarget) -> JSONNode {
        if target.method.kind == .serverStreaming {
            return .object([
                ("description", .string(
                    "Server-sent events: one `data:` event per \(target.output.fullName) message (its JSON), "
                        + "then `event: end`, or `event: error` with the error body.")),
                ("content", .object([("text/event-stream", .object([("schema", .object([("type", .string("string"))]))]))])),
            ])
        }
        _ = schemas.reference(target.output)
        return .object([
            ("description", .string("The response.")),
            ("content", .object([("application/json", .object([("schema", schemas.reference(target.output))]))])),
        ])
    }
}

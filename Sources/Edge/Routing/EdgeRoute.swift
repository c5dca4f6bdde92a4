import ProtoRuntime
import RPCCore

/// One method as the edge calls it, compiled at start-up: descriptors, the caller of its
/// service, and whether the login rate limit applies.
struct MethodTarget: Sendable {
    let method: MethodDescriptor
    let input: MessageDescriptor
    let output: MessageDescriptor
    /// The generated request type (only the OpenAPI builder uses it, for its `fieldRules`).
    let inputType: any ProtoMessage.Type
    let caller: any RPCCaller
    let isRateLimited: Bool
}

/// How an HTTP request fills a method's request message.
struct RequestBinding: Sendable {
    /// What the HTTP body is.
    enum Body: Sendable {
        /// No body (GET, DELETE): unbound fields come from the query string.
        case none
        /// The whole request message as JSON (`body: "*"`); NDJSON for client streaming.
        case whole
        /// One message field (`body: "field"`), as JSON of that field's type.
        case messageField(number: Int32, name: String, descriptor: MessageDescriptor)
        /// One bytes field (`body: "payload"`): the raw HTTP body, unparsed.
        case rawBytes(number: Int32, name: String)
    }

    let body: Body
    /// The field each path variable sets, in template order.
    let pathLeaves: [ParameterLeaf]
    /// Query parameters; nil where none are accepted.
    let query: QueryPlan?

    /// The binding of `POST /rpc/<Service>/<Method>`: the whole request as the JSON body.
    static let rpc = RequestBinding(body: .whole, pathLeaves: [], query: nil)

    /// The binding of `route` for messages of type `input`.
    init(route: HTTPRoute, template: PathTemplate, input: MessageDescriptor) throws(EdgeSetupError) {
        var leaves: [ParameterLeaf] = []
        for variable in template.variables {
            guard let field = input.field(named: variable), field.label != .repeated, let kind = ParameterLeaf.kind(of: field) else {
                throw EdgeSetupError("route \(template) binds {\(variable)}, which is not a top-level scalar field of \(input.fullName)")
            }
            leaves.append(ParameterLeaf(name: field.jsonName, jsonPath: [field.jsonName], kind: kind, isRepeated: false, field: field))
        }
        let bound = Set(leaves.map(\.field.name))
        switch route.body {
        case "":
            body = .none
            query = QueryPlan(message: input, excluding: bound)
        case "*":
            body = .whole
            query = nil
        case let name:
            guard let field = input.field(named: name), field.label != .repeated else {
                throw EdgeSetupError("route \(template) takes its body from \(name), which is not a singular field of \(input.fullName)")
            }
            switch field.type {
            case .bytes: body = .rawBytes(number: field.number, name: field.jsonName)
            case .message(let descriptor): body = .messageField(number: field.number, name: field.jsonName, descriptor: descriptor)
            default: throw EdgeSetupError("route \(template): a body field must be bytes or a message (\(name))")
            }
            query = QueryPlan(message: input, excluding: bound.union([field.name]))
        }
        pathLeaves = leaves
    }

    private init(body: Body, pathLeaves: [ParameterLeaf], query: QueryPlan?) {
        self.body = body
        self.pathLeaves = pathLeaves
        self.query = query
    }
}

/// A resource-style route: an HTTP method and path template bound to a method.
struct ResourceRoute: Sendable {
    let httpMethod: String
    let template: PathTemplate
    let binding: RequestBinding
    let target: MethodTarget
}

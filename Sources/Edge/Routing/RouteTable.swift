import RPCCore

/// Every route the edge serves, compiled once: `/rpc/<Service>/<Method>` by name, resource
/// routes bucketed by segment count and verb with the most literal templates first, so matching
/// a request is a dictionary lookup plus a short scan with no allocation but the captured values.
struct RouteTable: Sendable {
    /// The outcome of matching a request.
    enum Match {
        case resource(ResourceRoute, variables: [String])
        case rpc(MethodTarget)
        /// The path exists for other methods.
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private struct BucketKey: Hashable {
        var segmentCount: Int
        var verb: String?
    }

    private let rpcTargets: [String: MethodTarget]
    private let buckets: [BucketKey: [ResourceRoute]]
    /// Every resource route, for the OpenAPI document.
    let resources: [ResourceRoute]
    /// Every method target, in catalog order.
    let targets: [MethodTarget]

    /// The path prefix of the generic routes.
    static let rpcPrefix = "rpc"

    init(targets: [MethodTarget], resources: [ResourceRoute]) throws(EdgeSetupError) {
        self.targets = targets
        self.resources = resources
        rpcTargets = Dictionary(targets.map { ($0.method.fullName, $0) }, uniquingKeysWith: { first, _ in first })
        var buckets: [BucketKey: [ResourceRoute]] = [:]
        for route in resources {
            let key = BucketKey(segmentCount: route.template.segments.count, verb: route.template.verb)
            if let clash = buckets[key]?.first(where: { $0.httpMethod == route.httpMethod && $0.template.segments == route.template.segments }) {
                throw EdgeSetupError("\(route.httpMethod) \(route.template) is declared by both \(clash.target.method) and \(route.target.method)")
            }
            buckets[key, default: []].append(route)
        }
        self.buckets = buckets.mapValues { routes in
            routes.enumerated().sorted { lhs, rhs in
                lhs.element.template.literalCount != rhs.element.template.literalCount
                    ? lhs.element.template.literalCount > rhs.element.template.literalCount : lhs.offset < rhs.offset
            }.map(\.element)
        }
    }

    /// The route for `method` and `target`.
    func match(method: String, target: RequestTarget) -> Match {
        if target.segments.first == Self.rpcPrefix {
            return matchRPC(method: method, target: target)
        }
        guard let candidates = buckets[BucketKey(segmentCount: target.segments.count, verb: target.verb)] else {
            return .notFound
        }
        var allowed: [String] = []
        for route in candidates {
            guard let variables = Self.bind(route.template, target.segments) else { continue }
            if route.httpMethod == method { return .resource(route, variables: variables) }
            if !allowed.contains(route.httpMethod) { allowed.append(route.httpMethod) }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    private func matchRPC(method: String, target: RequestTarget) -> Match {
        guard target.segments.count == 3, target.verb == nil,
            let found = rpcTargets["\(target.segments[1])/\(target.segments[2])"]
        else { return .notFound }
        return method == "POST" ? .rpc(found) : .methodNotAllowed(allowed: ["POST"])
    }

    /// The variable values when `segments` fit `template`, nil otherwise.
    private static func bind(_ template: PathTemplate, _ segments: [String]) -> [String]? {
        var variables: [String] = []
        for (part, segment) in zip(template.segments, segments) {
            switch part {
            case .literal(let literal): if literal != segment { return nil }
            case .variable: if segment.isEmpty { return nil } else { variables.append(segment) }
            }
        }
        return variables
    }
}

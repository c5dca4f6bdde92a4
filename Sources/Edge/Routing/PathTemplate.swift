/// A route's path template from the `http` option, e.g. `/v1/patients/{patient_id}:archive`:
/// literal and variable segments, each variable one whole segment naming a top-level field,
/// and an optional custom verb after the last segment.
struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(String)
        /// A variable bound to the request field with this proto name.
        case variable(String)
    }

    let segments: [Segment]
    let verb: String?
    /// The template as written in the `.proto`.
    let description: String

    /// Parses `template`; a malformed one is a start-up error (the `.proto` is wrong).
    init(_ template: String) throws(EdgeSetupError) {
        description = template
        guard template.hasPrefix("/") else { throw EdgeSetupError("route \(template) does not start with /") }
        var parts = template.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var verb: String?
        if var last = parts.last, let colon = Self.verbColon(in: last) {
            verb = String(last[last.index(after: colon)...])
            last = String(last[..<colon])
            parts[parts.count - 1] = last
        }
        self.verb = verb
        segments = try parts.map { (part) throws(EdgeSetupError) -> Segment in
            if part.hasPrefix("{") {
                guard part.hasSuffix("}"), part.count > 2 else { throw EdgeSetupError("route \(template) has a malformed variable") }
                let name = String(part.dropFirst().dropLast())
                guard !name.contains("=") && !name.contains(".") && !name.contains("*") else {
                    throw EdgeSetupError("route \(template): only {field} variables naming top-level fields are supported")
                }
                return .variable(name)
            }
            guard !part.isEmpty, !part.contains("{"), !part.contains("}") else {
                throw EdgeSetupError("route \(template) has an empty or malformed segment")
            }
            return .literal(part)
        }
        if let verb, verb.isEmpty { throw EdgeSetupError("route \(template) has an empty custom verb") }
    }

    /// The names of the variables, in order.
    var variables: [String] {
        segments.compactMap { if case .variable(let name) = $0 { name } else { nil } }
    }

    /// How many segments are literal: a template with more literals wins over one with fewer
    /// (`/v1/patients/me` before `/v1/patients/{patient_id}`).
    var literalCount: Int {
        segments.count { if case .literal = $0 { true } else { false } }
    }

    /// The position of the `:` that starts a custom verb, outside any `{...}`.
    private static func verbColon(in segment: String) -> String.Index? {
        var depth = 0
        var found: String.Index?
        for index in segment.indices {
            switch segment[index] {
            case "{": depth += 1
            case "}": depth -= 1
            case ":" where depth == 0: found = index
            default: break
            }
        }
        return found
    }

    /// The OpenAPI path: the same template with `:verb` kept as is.
    var openAPIPath: String { description }
}

/// A route or a message type the edge cannot serve: found while compiling at start-up.
public struct EdgeSetupError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the method or route.
    public var message: String

    init(_ message: String) { self.message = message }

    public var description: String { message }
}

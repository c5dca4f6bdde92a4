/// A request broke a field rule declared in its `.proto`; the RPC layer answers
/// `invalid_argument` naming the field.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The dotted path of the offending field, e.g. `patient.contact.email`.
    public var fieldPath: String
    /// What is wrong with it, for people.
    public var reason: String

    public init(fieldPath: String, reason: String) {
        self.fieldPath = fieldPath
        self.reason = reason
    }

    /// The same error for a field nested under `parent`.
    public func nested(under parent: String) -> ValidationError {
        ValidationError(fieldPath: "\(parent).\(fieldPath)", reason: reason)
    }

    public var description: String { "\(fieldPath): \(reason)" }
}

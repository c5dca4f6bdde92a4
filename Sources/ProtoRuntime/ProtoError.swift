/// Why a message could not be encoded, decoded or mapped to JSON.
///
/// A struct with an extensible code rather than a public enum, so new failure kinds can be added
/// without breaking callers that switch over them.
public struct ProtoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case malformed
            case truncated
            case tooLarge
            case tooDeep
            case invalidUTF8
            case unsupported
            case invalidJSON
            case unknownField
            case invalidValue
            case unknownType
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// The bytes are not a valid encoding of the message (bad tag, wire type or length).
        public static let malformed = Code(.malformed)
        /// The input ends in the middle of a field.
        public static let truncated = Code(.truncated)
        /// The input exceeds the configured size limit.
        public static let tooLarge = Code(.tooLarge)
        /// Messages are nested deeper than the configured depth limit.
        public static let tooDeep = Code(.tooDeep)
        /// A string field holds bytes that are not UTF-8 (proto3 requires UTF-8).
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A value protobuf-c cannot carry, such as a NUL character inside a string.
        public static let unsupported = Code(.unsupported)
        /// The text is not valid JSON.
        public static let invalidJSON = Code(.invalidJSON)
        /// A JSON object names a field the message does not have.
        public static let unknownField = Code(.unknownField)
        /// A value has the wrong type or is out of range for its field.
        public static let invalidValue = Code(.invalidValue)
        /// An `Any` names a type the registry does not know.
        public static let unknownType = Code(.unknownType)

        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What failed, for people; names the field when there is one.
    public var message: String
    /// The dotted path of the offending field (`patient.email`), when known.
    public var fieldPath: String?

    public init(_ code: Code, _ message: String, fieldPath: String? = nil) {
        self.code = code
        self.message = message
        self.fieldPath = fieldPath
    }

    public var description: String {
        if let fieldPath { return "\(code): \(message) (field \(fieldPath))" }
        return "\(code): \(message)"
    }
}

/// The outcome of a failed call: one of the 17 canonical status codes, a message, and details.
///
/// A struct with an extensible `Code` (not a public enum) so codes can be added without breaking
/// callers that switch over them.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A canonical status code, with the same numbers and meanings as gRPC's.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The wire number, 1...16 (0 is success and never an error).
        public let rawValue: Int

        private init(_ rawValue: Int) { self.rawValue = rawValue }

        /// The code for a wire number; unknown numbers map to `unknown`.
        public init(wireValue: Int) {
            self = (1...16).contains(wireValue) ? Code(wireValue) : .unknown
        }

        public static let cancelled = Code(1)
        public static let unknown = Code(2)
        public static let invalidArgument = Code(3)
        public static let deadlineExceeded = Code(4)
        public static let notFound = Code(5)
        public static let alreadyExists = Code(6)
        public static let permissionDenied = Code(7)
        public static let resourceExhausted = Code(8)
        public static let failedPrecondition = Code(9)
        public static let aborted = Code(10)
        public static let outOfRange = Code(11)
        public static let unimplemented = Code(12)
        public static let `internal` = Code(13)
        public static let unavailable = Code(14)
        public static let dataLoss = Code(15)
        public static let unauthenticated = Code(16)

        /// Every error code, in wire order.
        public static let all: [Code] = (1...16).map { Code($0) }

        /// The canonical snake_case name, e.g. `invalid_argument` (the edge's JSON uses it).
        public var name: String {
            [
                "ok", "cancelled", "unknown", "invalid_argument", "deadline_exceeded", "not_found", "already_exists",
                "permission_denied", "resource_exhausted", "failed_precondition", "aborted", "out_of_range",
                "unimplemented", "internal", "unavailable", "data_loss", "unauthenticated",
            ][rawValue]
        }

        public var description: String { name }
    }

    /// One structured detail: a type URL and its encoded message (a `google.protobuf.Any`).
    public struct Detail: Sendable, Hashable {
        public var typeURL: String
        public var value: [UInt8]

        public init(typeURL: String, value: [UInt8]) {
            self.typeURL = typeURL
            self.value = value
        }
    }

    public var code: Code
    /// For people; sent byte-exact (any Unicode).
    public var message: String
    /// Structured details (field violations, retry info...).
    public var details: [Detail]
    /// Trailing metadata sent with the error.
    public var metadata: Metadata
    /// Set by a transport when the server provably never processed the call (it was above a
    /// GOAWAY's last stream id), so `RPCClient` may retry it once whatever the method.
    package var wasNeverProcessed = false

    public init(code: Code, message: String, details: [Detail] = [], metadata: Metadata = [:]) {
        self.code = code
        self.message = message
        self.details = details
        self.metadata = metadata
    }

    public var description: String { "\(code.name): \(message)" }
}

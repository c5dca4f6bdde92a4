/// How a call opens: the method it calls, the caller's metadata, and when it expires.
///
/// The client call layer builds one per attempt and hands it to its transport; the server
/// transport hands the one it received to the server call layer with the stream.
public struct RPCCallStart: Sendable, Hashable {
    /// `package.Service/Method`, as in `MethodDescriptor.fullName`.
    public var method: String
    /// Request metadata.
    public var metadata: Metadata
    /// When the call expires; `nil` means never. Transports carry it as time left (the peers'
    /// clocks are not shared) and turn it back into an instant on arrival.
    public var deadline: ContinuousClock.Instant?

    public init(method: String, metadata: Metadata = [:], deadline: ContinuousClock.Instant? = nil) {
        self.method = method
        self.metadata = metadata
        self.deadline = deadline
    }

    /// The service part of `method` (before the last `/`), or the whole name when there is none.
    public var serviceName: String {
        guard let slash = method.lastIndex(of: "/") else { return method }
        return String(method[..<slash])
    }
}

/// What a client writes on a stream after the call start.
public enum RPCRequestPart: Sendable, Hashable {
    /// One encoded request message.
    case message([UInt8])
    /// No more request messages (half close); written exactly once, last.
    case end
}

/// What a server writes on a stream, in this order: at most one `metadata`, any number of
/// `message`s, exactly one `trailers`, which ends the stream.
public enum RPCResponsePart: Sendable, Hashable {
    /// Initial response metadata, before the first message.
    case metadata(Metadata)
    /// One encoded response message.
    case message([UInt8])
    /// The outcome of the call and the trailing metadata.
    case trailers(RPCStatus, Metadata)
}

/// The outcome of a call as it travels: OK, or an error code with a message and details.
public struct RPCStatus: Sendable, Hashable, CustomStringConvertible {
    /// `nil` for OK.
    public var code: RPCError.Code?
    /// For people; carried byte-exact.
    public var message: String
    /// Structured details (`google.protobuf.Any` values).
    public var details: [RPCError.Detail]

    /// Success.
    public static let ok = RPCStatus(code: nil, message: "", details: [])

    public init(code: RPCError.Code?, message: String, details: [RPCError.Detail] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// The status that reports `error` (its metadata travels separately, as trailers).
    public init(_ error: RPCError) {
        self.init(code: error.code, message: error.message, details: error.details)
    }

    /// A status read from the wire: 0 is OK, numbers outside 1...16 are `unknown`.
    public init(wireCode: Int, message: String, details: [RPCError.Detail] = []) {
        self.init(code: wireCode == 0 ? nil : RPCError.Code(wireValue: wireCode), message: message, details: details)
    }

    /// The number carried on the wire (0 for OK).
    public var wireCode: Int { code?.rawValue ?? 0 }

    public var isOK: Bool { code == nil }

    /// The error this status reports, with `trailers` as its metadata; `nil` for OK.
    public func error(trailers: Metadata) -> RPCError? {
        guard let code else { return nil }
        return RPCError(code: code, message: message, details: details, metadata: trailers)
    }

    public var description: String { code.map { "\($0.name): \(message)" } ?? "ok" }
}

public import Logging
import Synchronization

/// What a handler knows about the call it serves: method, caller, deadline, metadata, and typed
/// attributes the platform adds (principal, tenant, tenant database).
public struct ServerContext: Sendable {
    /// The method being called.
    public let method: MethodDescriptor
    /// Metadata the client sent with the call.
    public let requestMetadata: Metadata
    /// When the call expires; nested calls made while handling it inherit it.
    public let deadline: ContinuousClock.Instant?
    /// Who is calling at the transport level.
    public let peer: Peer
    /// Response metadata the handler wants to send (initial and trailing).
    public let response: ResponseMetadata
    /// Typed values added by interceptors (e.g. the verified principal).
    public var attributes: ContextAttributes
    /// A logger carrying the method and request id; never log secrets or patient data.
    public var logger: Logger

    public init(
        method: MethodDescriptor, requestMetadata: Metadata, deadline: ContinuousClock.Instant?, peer: Peer,
        response: ResponseMetadata = ResponseMetadata(), attributes: ContextAttributes = ContextAttributes(),
        logger: Logger
    ) {
        self.method = method
        self.requestMetadata = requestMetadata
        self.deadline = deadline
        self.peer = peer
        self.response = response
        self.attributes = attributes
        self.logger = logger
    }
}

/// The transport-level identity of a caller.
public struct Peer: Sendable, Hashable {
    /// E.g. `ipv4:127.0.0.1:52044` or `in-process`.
    public var address: String
    /// The identity in the caller's verified certificate (`spiffe://clinic/auth`), if any.
    public var identity: String?

    public init(address: String, identity: String? = nil) {
        self.address = address
        self.identity = identity
    }
}

/// Metadata a handler sends back: initial (before the first response) and trailing (with the status).
public final class ResponseMetadata: Sendable {
    private let state = Mutex<(initial: Metadata, trailing: Metadata)>(([:], [:]))

    public init() {}

    /// Metadata sent before the first response message.
    public var initial: Metadata {
        get { state.withLock { $0.initial } }
        set { state.withLock { $0.initial = newValue } }
    }

    /// Metadata sent with the final status.
    public var trailing: Metadata {
        get { state.withLock { $0.trailing } }
        set { state.withLock { $0.trailing = newValue } }
    }
}

/// A key for a typed value in `ContextAttributes`.
public protocol ContextKey {
    associatedtype Value: Sendable
}

/// Typed values keyed by type, not by string.
public struct ContextAttributes: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    public init() {}

    public subscript<Key: ContextKey>(_ key: Key.Type) -> Key.Value? {
        get { values[ObjectIdentifier(key)] as? Key.Value }
        set { values[ObjectIdentifier(key)] = newValue }
    }
}

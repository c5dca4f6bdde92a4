/// Per-call settings a client passes with a call.
public struct CallOptions: Sendable {
    /// How long the call may take; the deadline travels with the call and bounds nested calls.
    public var timeout: Duration?
    /// Metadata sent with the call (e.g. `authorization`).
    public var metadata: Metadata
    /// Whether the runtime may retry; only methods whose policy is idempotent are ever retried.
    public var retries: RetryPolicy?
    /// Largest response message accepted, in bytes.
    public var maxResponseBytes: Int

    public init(timeout: Duration? = nil, metadata: Metadata = [:], retries: RetryPolicy? = .default, maxResponseBytes: Int = 4 * 1024 * 1024) {
        self.timeout = timeout
        self.metadata = metadata
        self.retries = retries
        self.maxResponseBytes = maxResponseBytes
    }

    /// No timeout, no metadata, default retries for idempotent methods.
    public static var defaults: CallOptions { CallOptions() }
}

/// Exponential backoff for retrying idempotent calls that failed with `unavailable`.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    public var multiplier: Double
    /// Codes that may be retried.
    public var retryableCodes: Set<RPCError.Code>

    public init(
        maxAttempts: Int = 3, initialBackoff: Duration = .milliseconds(50), maxBackoff: Duration = .seconds(2),
        multiplier: Double = 2, retryableCodes: Set<RPCError.Code> = [.unavailable]
    ) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
        self.retryableCodes = retryableCodes
    }

    /// Three attempts, 50 ms doubling, on `unavailable`.
    public static let `default` = RetryPolicy()
}

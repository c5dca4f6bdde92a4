public import Foundation
public import NIOCore

/// Everything about how the edge listens and what it allows; the defaults are those of `clinic up`.
public struct EdgeConfiguration: Sendable {
    /// Interface to listen on.
    public var host: String
    /// Port to listen on; 0 picks a free one (tests), read it back from `EdgeServer.listeningPort()`.
    public var port: Int
    /// Largest request body of a JSON request, in bytes (413 beyond it).
    public var maxBodyBytes: Int
    /// Largest body of a client-streaming request (NDJSON, e.g. document uploads), in bytes.
    public var maxStreamingBodyBytes: Int
    /// Timeout of unary and client-streaming calls without `X-Request-Timeout`.
    public var defaultTimeout: Duration
    /// Timeout of server-streaming calls (SSE) without `X-Request-Timeout`; nil: none.
    public var defaultStreamingTimeout: Duration?
    /// Cap on any `X-Request-Timeout`.
    public var maxTimeout: Duration
    /// Origins allowed by CORS (exact `scheme://host[:port]`, or `*` for any); empty: CORS off.
    public var corsAllowedOrigins: Set<String>
    /// How long browsers may cache a preflight answer.
    public var corsMaxAge: Duration
    /// Methods (`package.Service/Method`) under the per-address login rate limit.
    public var rateLimitedMethods: Set<String>
    /// Login attempts an address may make at once...
    public var loginBurst: Int
    /// ...and how often it gets one more.
    public var loginRefillInterval: Duration
    /// Request headers passed on to services as call metadata (lower-case names), e.g. the
    /// signature header of a payment provider's webhook.
    public var forwardedHeaders: Set<String>
    /// Also write fields that hold their default value (`0`, `""`, `false`, `[]`) in responses.
    public var emitDefaultValues: Bool
    /// Folder of the web UI, served for paths no API route claims; nil: none.
    public var staticRoot: URL?
    /// Interval of the SSE comment lines that keep idle streams open and detect dead clients.
    public var sseHeartbeat: Duration
    /// The seam for HTTPS: called for every accepted connection before the HTTP handlers are
    /// added, so a TLS handler (ClinicTLS) can be put first in the pipeline; nil: plain HTTP.
    public var configureTLS: (@Sendable (any Channel) throws -> Void)?

    public init(
        host: String = "0.0.0.0",
        port: Int = 8080,
        maxBodyBytes: Int = 1 << 20,
        maxStreamingBodyBytes: Int = 32 << 20,
        defaultTimeout: Duration = .seconds(30),
        defaultStreamingTimeout: Duration? = nil,
        maxTimeout: Duration = .seconds(300),
        corsAllowedOrigins: Set<String> = [],
        corsMaxAge: Duration = .seconds(600),
        rateLimitedMethods: Set<String> = ["clinic.auth.v1.AuthService/Login"],
        loginBurst: Int = 10,
        loginRefillInterval: Duration = .seconds(6),
        forwardedHeaders: Set<String> = ["stripe-signature"],
        emitDefaultValues: Bool = false,
        staticRoot: URL? = nil,
        sseHeartbeat: Duration = .seconds(15),
        configureTLS: (@Sendable (any Channel) throws -> Void)? = nil
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxStreamingBodyBytes = maxStreamingBodyBytes
        self.defaultTimeout = defaultTimeout
        self.defaultStreamingTimeout = defaultStreamingTimeout
        self.maxTimeout = maxTimeout
        self.corsAllowedOrigins = corsAllowedOrigins
        self.corsMaxAge = corsMaxAge
        self.rateLimitedMethods = rateLimitedMethods
        self.loginBurst = loginBurst
        self.loginRefillInterval = loginRefillInterval
        self.forwardedHeaders = forwardedHeaders
        self.emitDefaultValues = emitDefaultValues
        self.staticRoot = staticRoot
        self.sseHeartbeat = sseHeartbeat
        self.configureTLS = configureTLS
    }
}

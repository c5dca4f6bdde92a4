import ClinicAPI
import Foundation
import Testing

@testable import Edge

/// Credentials, request ids, deadlines, CORS, the login rate limit and the access log.
@Suite struct PolicyTests {
    @Test func bearerTokenIsPassedOnAsMetadata() async throws {
        try await withEdge { edge in
            let response = try await edge.send(
                .POST, "/v1/echo:secret", headers: [("Authorization", "Bearer eyJhbGciOi.J9-_~+/x==")], json: #"{"optionalInt32": 1}"#)
            #expect(response.status == 200)
            #expect(edge.log.lastMetadata("Secret")?["authorization"] == "Bearer eyJhbGciOi.J9-_~+/x==")
        }
    }

    @Test func requestIDIsAcceptedReturnedAndPassedOn() async throws {
        try await withEdge { edge in
            let given = try await edge.send(
                .POST, "/rpc/clinic.testing.v1.TestService/UnaryCall", headers: [("X-Request-Id", "abc-123.x")],
                json: #"{"fillServerId": true}"#)
            #expect(given.header("x-request-id") == "abc-123.x")
            #expect(given.json["serverId"] as? String == "abc-123.x")
            // Not well-formed: replaced by a generated one.
            let replaced = try await edge.send(.POST, "/v1/echo", headers: [("X-Request-Id", "bad id/with spaces")], json: "{}")
            let generated = try #require(replaced.header("x-request-id"))
            #expect(generated.count == 32 && generated != "bad id/with spaces")
            // Errors carry it too.
            let missing = try await edge.send(.GET, "/v1/none")
            #expect(missing.header("x-request-id")?.count == 32)
            #expect(edge.logs.all.contains { $0.contains("request_id=abc-123.x") })
        }
    }

    @Test func timeoutHeaderParsing() {
        #expect(RequestTimeout.parse("250m") == .milliseconds(250))
        #expect(RequestTimeout.parse("5S") == .seconds(5))
        #expect(RequestTimeout.parse("2M") == .seconds(120))
        #expect(RequestTimeout.parse("1H") == .seconds(3600))
        #expect(RequestTimeout.parse("10u") == .microseconds(10))
        #expect(RequestTimeout.parse("99999999n") == .nanoseconds(99_999_999))
        for bad in ["", "5", "m", "123456789m", "-5S", "5s", "1.5S", " 5S"] {
            #expect(RequestTimeout.parse(bad) == nil, "\(bad)")
        }
        #expect((try? RequestTimeout.resolve([], default: .seconds(30), maximum: .seconds(60))) == .seconds(30))
        #expect((try? RequestTimeout.resolve(["10M"], default: .seconds(30), maximum: .seconds(60))) == .seconds(60))
    }

    @Test func corsPreflightForAnAllowedOrigin() async throws {
        try await withEdge(configuration: testConfiguration { $0.corsAllowedOrigins = ["https://app.example"] }) { edge in
            let preflight = try await edge.send(
                .OPTIONS, "/v1/echo:secret",
                headers: [("Origin", "https://app.example"), ("Access-Control-Request-Method", "POST"),
                          ("Access-Control-Request-Headers", "authorization, content-type")])
            #expect(preflight.status == 204)
            #expect(preflight.header("access-control-allow-origin") == "https://app.example")
            #expect(preflight.header("access-control-allow-methods")?.contains("POST") == true)
            #expect(preflight.header("access-control-allow-headers")?.contains("Authorization") == true)
            #expect(preflight.header("access-control-max-age") == "600")
            #expect(preflight.header("vary") == "Origin")

            let actual = try await edge.send(.POST, "/v1/echo", headers: [("Origin", "https://app.example")], json: "{}")
            #expect(actual.header("access-control-allow-origin") == "https://app.example")
            #expect(actual.header("access-control-expose-headers")?.contains("X-Request-Id") == true)
            // Errors carry the headers too, so the browser lets the page read them.
            let failed = try await edge.send(.GET, "/v1/none", headers: [("Origin", "https://app.example")])
            #expect(failed.header("access-control-allow-origin") == "https://app.example")
            #expect(edge.log.count == 1)
        }
    }

    @Test func corsRefusesOtherOrigins() async throws {
        try await withEdge(configuration: testConfiguration { $0.corsAllowedOrigins = ["https://app.example"] }) { edge in
            let preflight = try await edge.send(
                .OPTIONS, "/v1/echo", headers: [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST")])
            #expect(preflight.status == 403)
            #expect(preflight.errorCode == "permission_denied")
            #expect(preflight.header("access-control-allow-origin") == nil)
            let actual = try await edge.send(.POST, "/v1/echo", headers: [("Origin", "https://evil.example")], json: "{}")
            #expect(actual.header("access-control-allow-origin") == nil)
        }
    }

    @Test func loginIsRateLimitedPerAddress() async throws {
        let configuration = testConfiguration {
            $0.loginBurst = 2
            $0.loginRefillInterval = .seconds(3600)
        }
        try await withEdge(configuration: configuration) { edge in
            let body = #"{"email": "ada@example.com", "password": "secret"}"#
            for _ in 0..<2 {
                #expect(try await edge.send(.POST, "/v1/auth:login", json: body).status == 200)
            }
            // The generic route reaches the same method and the same limit.
            let limited = try await edge.send(.POST, "/rpc/clinic.auth.v1.AuthService/Login", json: body)
            #expect(limited.status == 429)
            #expect(limited.errorCode == "resource_exhausted")
            let retryAfter = try #require(limited.header("retry-after").flatMap(Int.init))
            #expect(retryAfter > 0 && retryAfter <= 3600)
            #expect(edge.log.count == 2)
            // Other methods are not limited.
            #expect(try await edge.send(.POST, "/v1/echo", json: "{}").status == 200)
        }
    }

    @Test func rateLimiterRefillsAndBoundsMemory() {
        let start = ContinuousClock.now
        var state = RateLimiterState(burst: 2, interval: .seconds(10), maxClients: 3)
        #expect(state.acquire("a", now: start) == nil)
        #expect(state.acquire("a", now: start) == nil)
        #expect(state.acquire("a", now: start) == .seconds(10))
        #expect(state.acquire("a", now: start + .seconds(5)) == .seconds(5))
        #expect(state.acquire("a", now: start + .seconds(10)) == nil)
        for client in ["b", "c", "d", "e"] { _ = state.acquire(client, now: start + .seconds(10)) }
        #expect(state.trackedClients <= 3)
    }

    @Test func logsHoldNeitherTokensNorBodiesNorQueries() async throws {
        try await withEdge { edge in
            _ = try await edge.send(
                .POST, "/v1/echo:secret", headers: [("Authorization", "Bearer SECRET-TOKEN-123")],
                json: #"{"optionalString": "PATIENT-NAME"}"#)
            _ = try await edge.send(.GET, "/v1/echo?optionalString=QUERY-VALUE")
            let lines = edge.logs.all
            #expect(lines.count >= 2)
            #expect(lines.contains { $0.contains("http.route=edge.test.v1.MappingService/Secret") && $0.contains("http.status=200") })
            for forbidden in ["SECRET-TOKEN-123", "PATIENT-NAME", "QUERY-VALUE"] {
                #expect(!lines.contains { $0.contains(forbidden) }, "\(forbidden) was logged")
            }
        }
    }
}

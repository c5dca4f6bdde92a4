import Foundation
import Testing

/// Bad input, each its own case: every one answers a JSON error and none reaches a handler.
@Suite struct BadInputTests {
    /// Sends `body` to the echo route and checks a JSON `invalid_argument` that names `field`.
    private func expectRejected(
        _ edge: EdgeFixture, _ method: String = "POST", _ uri: String = "/v1/echo", json: String? = nil,
        headers: [(String, String)] = [], status: Int = 400, code: String = "invalid_argument", field: String? = nil
    ) async throws -> TestResponse {
        let response = try await edge.send(.init(rawValue: method), uri, headers: headers, json: json)
        #expect(response.status == status, "\(response.text)")
        #expect(response.header("content-type") == "application/json; charset=utf-8")
        #expect(response.errorCode == code)
        #expect(response.json["message"] is String)
        #expect(response.json["details"] is [Any])
        if let field {
            let violations = (response.json["details"] as? [[String: Any]])?.first?["fieldViolations"] as? [[String: Any]]
            #expect(violations?.first?["field"] as? String == field, "\(response.text)")
        }
        #expect(edge.log.count == 0, "a handler was called")
        return response
    }

    @Test func invalidJSON() async throws {
        try await withEdge { edge in
            _ = try await expectRejected(edge, json: #"{"optionalInt32": 1,"#)
            _ = try await expectRejected(edge, json: "not json at all")
        }
    }

    @Test func wrongTypes() async throws {
        try await withEdge { edge in
            _ = try await expectRejected(edge, json: #"{"optionalInt32": "seven"}"#, field: "optionalInt32")
            _ = try await expectRejected(edge, json: #"{"optionalBool": 1}"#, field: "optionalBool")
            _ = try await expectRejected(edge, json: #"{"optionalNestedMessage": {"a": [1]}}"#, field: "optionalNestedMessage.a")
            _ = try await expectRejected(edge, json: #"[1, 2]"#)
        }
    }

    @Test func unknownFields() async throws {
        try await withEdge { edge in
            _ = try await expectRejected(edge, json: #"{"noSuchField": 1}"#, field: "noSuchField")
        }
    }

    @Test func int64Overflow() async throws {
        try await withEdge { edge in
            _ = try await expectRejected(edge, json: #"{"optionalInt64": "9223372036854775808"}"#, field: "optionalInt64")
            _ = try await expectRejected(edge, json: #"{"optionalInt32": 2147483648}"#, field: "optionalInt32")
            _ = try await expectRejected(edge, "GET", "/v1/echo?optionalUint64=-1", field: "optionalUint64")
        }
    }

    @Test func invalidBase64() async throws {
        try await withEdge { edge in
            _ = try await expectRejected(edge, json: #"{"optionalBytes": "*not base64*"}"#, field: "optionalBytes")
        }
    }

    @Test func invalidEnumNames() async throws {
        try await withEdge { edge in
            _ = try await expectRejected(edge, json: #"{"optionalNestedEnum": "QUUX"}"#, field: "optionalNestedEnum")
            _ = try await expectRejected(edge, "GET", "/v1/echo?optionalNestedEnum=QUUX", field: "optionalNestedEnum")
        }
    }

    @Test func badQueryParameters() async throws {
        try await withEdge { edge in
            _ = try await expectRejected(edge, "GET", "/v1/echo?noSuchParameter=1", field: "noSuchParameter")
            _ = try await expectRejected(edge, "GET", "/v1/echo?optionalBool=yes", field: "optionalBool")
            _ = try await expectRejected(edge, "GET", "/v1/echo?optionalInt32=1&optionalInt32=2", field: "optionalInt32")
            _ = try await expectRejected(edge, "GET", "/v1/echo?optionalString=%ZZ")
            _ = try await expectRejected(edge, "POST", "/v1/echo?optionalInt32=1", json: "{}", field: "optionalInt32")
        }
    }

    @Test func bodyOverTheLimit() async throws {
        try await withEdge(configuration: testConfiguration { $0.maxBodyBytes = 64 }) { edge in
            let big = #"{"optionalString": "\#(String(repeating: "x", count: 100))"}"#
            let response = try await expectRejected(edge, json: big, status: 413, code: "resource_exhausted")
            #expect(response.header("connection") == "close")
            // Without Content-Length (chunked), the limit is checked while reading.
            let client = try await edge.client()
            let chunked = try await client.send(.POST, "/v1/echo", headers: [("Transfer-Encoding", "chunked")], body: Array(big.utf8))
            #expect(chunked.status == 413)
            #expect(chunked.errorCode == "resource_exhausted")
            #expect(edge.log.count == 0)
        }
    }

    @Test func missingBearerToken() async throws {
        try await withEdge { edge in
            let response = try await expectRejected(edge, "POST", "/v1/echo:secret", json: "{}", status: 401, code: "unauthenticated")
            #expect(response.header("www-authenticate") == "Bearer")
            _ = try await expectRejected(edge, "GET", "/v1/exports/e1", status: 401, code: "unauthenticated")
        }
    }

    @Test(arguments: ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", "Bearer é", "bearer=x", "Token abc", "Bearer ab=c"])
    func malformedBearerToken(_ header: String) async throws {
        try await withEdge { edge in
            // Even on a public method: a malformed header is refused before any call.
            let response = try await expectRejected(
                edge, "POST", "/v1/echo", json: "{}", headers: [("Authorization", header)], status: 401, code: "unauthenticated")
            #expect(response.header("www-authenticate")?.hasPrefix("Bearer") == true)
        }
    }

    @Test func unknownRoute() async throws {
        try await withEdge { edge in
            _ = try await expectRejected(edge, "GET", "/v1/nothing/here", status: 404, code: "not_found")
            _ = try await expectRejected(edge, "POST", "/rpc/clinic.testing.v1.TestService/NoSuchMethod", json: "{}", status: 404, code: "not_found")
            _ = try await expectRejected(edge, "POST", "/rpc/no.such.Service/Call", json: "{}", status: 404, code: "not_found")
            _ = try await expectRejected(edge, "GET", "/elsewhere", status: 404, code: "not_found")
        }
    }

    @Test func wrongMethod() async throws {
        try await withEdge { edge in
            let rpc = try await expectRejected(edge, "GET", "/rpc/clinic.testing.v1.TestService/EmptyCall", status: 405, code: "unimplemented")
            #expect(rpc.header("allow") == "POST")
            let resource = try await expectRejected(edge, "POST", "/v1/exports/e1", json: "{}", status: 405, code: "unimplemented")
            #expect(resource.header("allow")?.contains("GET") == true)
            #expect(resource.header("allow")?.contains("DELETE") == true)
        }
    }

    @Test func validationRulesAreCheckedBeforeTheHandler() async throws {
        try await withEdge { edge in
            // The edge maps JSON; the generated validation (run by the server's router) refuses the
            // value, naming the field, before the handler runs.
            let response = try await expectRejected(
                edge, "GET", "/v1/exports/not%20an%20id", headers: [("Authorization", "Bearer t")], field: "export_id")
            #expect((response.json["message"] as? String)?.contains("export_id") == true)
        }
    }

    @Test func malformedTimeoutHeader() async throws {
        try await withEdge { edge in
            _ = try await expectRejected(edge, json: "{}", headers: [("X-Request-Timeout", "soon")])
        }
    }
}

import Edge
import RPCCore
import Testing

/// Every status code a service answers reaches the HTTP client with the documented status and
/// the same code, message and details.
@Suite struct ErrorMappingTests {
    static let expected: [(RPCError.Code, Int)] = [
        (.cancelled, 499), (.unknown, 500), (.invalidArgument, 400), (.deadlineExceeded, 504), (.notFound, 404),
        (.alreadyExists, 409), (.permissionDenied, 403), (.resourceExhausted, 429), (.failedPrecondition, 400),
        (.aborted, 409), (.outOfRange, 400), (.unimplemented, 501), (.internal, 500), (.unavailable, 503),
        (.dataLoss, 500), (.unauthenticated, 401),
    ]

    @Test func mappingTableIsTheDocumentedOne() {
        for (code, status) in Self.expected {
            #expect(Int(HTTPStatusMapping.status(for: code).code) == status, "\(code)")
        }
    }

    @Test func everyServiceErrorBecomesItsStatus() async throws {
        try await withEdge { edge in
            let client = try await edge.client()
            for (code, status) in Self.expected {
                let body = #"{"responseStatus": {"code": \#(code.rawValue), "message": "failed: \#(code.name) ✓"}}"#
                let response = try await client.send(.POST, "/rpc/clinic.testing.v1.TestService/UnaryCall", body: Array(body.utf8))
                #expect(response.status == status, "\(code)")
                #expect(response.errorCode == code.name)
                #expect(response.json["message"] as? String == "failed: \(code.name) ✓")
                #expect(response.json["details"] as? [Any] != nil)
            }
            await client.close()
        }
    }

    @Test func unimplementedServiceIs501() async throws {
        try await withEdge { edge in
            let response = try await edge.send(.POST, "/rpc/clinic.testing.v1.UnimplementedService/UnimplementedCall", json: "{}")
            #expect(response.status == 501)
            #expect(response.errorCode == "unimplemented")
        }
    }

    @Test func detailsAreWrittenAsJSONAny() async throws {
        try await withEdge { edge in
            let response = try await edge.send(.GET, "/v1/exports/bad%20id", headers: [("Authorization", "Bearer t")])
            let detail = try #require((response.json["details"] as? [[String: Any]])?.first)
            #expect(detail["@type"] as? String == "type.googleapis.com/clinic.rpc.v1.BadRequest")
            #expect((detail["fieldViolations"] as? [[String: Any]])?.first?["field"] as? String == "export_id")
        }
    }

    @Test func deadlineFromTheHeaderBoundsTheCall() async throws {
        try await withEdge { edge in
            // The stream's first response waits 10 s; the call may take 50 ms.
            let body = #"{"responseParameters": [{"size": 1, "intervalUs": 10000000}]}"#
            let response = try await edge.send(
                .POST, "/rpc/clinic.testing.v1.TestService/StreamingOutputCall", headers: [("X-Request-Timeout", "50m")], json: body)
            #expect(response.status == 200)
            #expect(response.text.contains("event: error"))
            #expect(response.text.contains("deadline_exceeded"))
        }
    }
}

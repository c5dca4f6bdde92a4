import ClinicAPI
import Foundation
import Testing

/// Server streaming as server-sent events, client streaming from NDJSON.
@Suite struct StreamingTests {
    /// The `data:` payloads and event names of an SSE body.
    static func events(_ text: String) -> [(event: String, data: String)] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var event = "message", data: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            return data.map { (event, $0) }
        }
    }

    @Test func serverStreamingIsServerSentEvents() async throws {
        try await withEdge { edge in
            let body = #"{"responseParameters": [{"size": 1}, {"size": 2}, {"size": 3}]}"#
            let response = try await edge.send(.POST, "/rpc/clinic.testing.v1.TestService/StreamingOutputCall", json: body)
            #expect(response.status == 200)
            #expect(response.header("content-type") == "text/event-stream; charset=utf-8")
            #expect(response.header("cache-control") == "no-store")
            let events = Self.events(response.text)
            #expect(events.map(\.event) == ["message", "message", "message", "end"])
            #expect(events[2].data == #"{"payload":{"body":"BwcH"}}"#)
        }
    }

    @Test func streamErrorIsTheFinalEvent() async throws {
        try await withEdge { edge in
            let body = #"{"responseParameters": [{"size": 1}], "responseStatus": {"code": 9, "message": "stopped"}}"#
            let response = try await edge.send(.POST, "/rpc/clinic.testing.v1.TestService/StreamingOutputCall", json: body)
            let events = Self.events(response.text)
            #expect(events.map(\.event) == ["message", "error"])
            let error = try JSONSerialization.jsonObject(with: Data(events[1].data.utf8)) as? [String: Any]
            #expect(error?["code"] as? String == "failed_precondition")
            #expect(error?["message"] as? String == "stopped")
        }
    }

    @Test func resourceRouteStreamsAndTheCallEndsWhenTheClientLeaves() async throws {
        try await withEdge { edge in
            let client = try await edge.client()
            try await client.write(.GET, "/v1/health:watch?service=clinic.testing.v1.TestService")
            let head = try #require(try await client.readHead())
            #expect(head.status.code == 200)
            var received = ""
            while Self.events(received).count < 2, let chunk = try await client.readChunk() {
                received += String(decoding: chunk, as: UTF8.self)
            }
            #expect(Self.events(received).map(\.data) == [#"{"status":"SERVING_STATUS_SERVING"}"#, #"{"status":"SERVING_STATUS_NOT_SERVING"}"#])
            #expect(edge.log.last("Watch", as: Clinic_Health_V1_HealthCheckRequest.self)?.service == "clinic.testing.v1.TestService")
            await client.close()
            // The handler, waiting for more changes, is cancelled once the client is gone.
            var cancelled = false
            for _ in 0..<1000 where !cancelled {
                cancelled = edge.log.last("Watch.cancelled", as: Clinic_Health_V1_HealthCheckRequest.self) != nil
                if !cancelled { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(cancelled)
        }
    }

    @Test func heartbeatsKeepIdleStreamsAlive() async throws {
        try await withEdge(configuration: testConfiguration { $0.sseHeartbeat = .milliseconds(20) }) { edge in
            let client = try await edge.client()
            try await client.write(.GET, "/v1/health:watch")
            _ = try await client.readHead()
            var received = ""
            while !received.contains(": keep-alive"), let chunk = try await client.readChunk() {
                received += String(decoding: chunk, as: UTF8.self)
            }
            await client.close()
        }
    }

    @Test func clientStreamingReadsNDJSON() async throws {
        try await withEdge { edge in
            let body = """
            {"payload": {"body": "AAAA"}}

            {"payload": {"body": "AAAAAAAA"}}
            {}
            """
            let response = try await edge.send(.POST, "/rpc/clinic.testing.v1.TestService/StreamingInputCall", json: body)
            #expect(response.status == 200)
            #expect(response.json["aggregatedPayloadSize"] as? Int == 9)
            #expect(edge.log.last("StreamingInputCall", as: Int.self) == 3)
        }
    }

    @Test func documentUploadRouteReadsNDJSON() async throws {
        try await withEdge { edge in
            let header = #"{"header": {"patientId": "p1", "category": "DOCUMENT_CATEGORY_LAB_RESULT", "file": {"fileName": "a.pdf", "mediaType": "application/pdf", "sizeBytes": "3"}}}"#
            let body = header + "\n" + #"{"chunk": "AQID"}"# + "\n"
            let response = try await edge.send(.POST, "/v1/documents:upload", headers: [("Authorization", "Bearer t")], json: body)
            #expect(response.status == 200, "\(response.text)")
            #expect(response.json["title"] as? String == "2 parts")
        }
    }

    @Test func badNDJSONLineIsRejectedBeforeTheCall() async throws {
        try await withEdge { edge in
            let body = "{\"payload\": {}}\n{\"payload\": {\"body\": \"!!\"}}\n"
            let response = try await edge.send(.POST, "/rpc/clinic.testing.v1.TestService/StreamingInputCall", json: body)
            #expect(response.status == 400)
            #expect((response.json["message"] as? String)?.hasPrefix("line 2:") == true)
            #expect(edge.log.count == 0)
        }
    }

    @Test func bidirectionalStreamingIsNotServed() async throws {
        try await withEdge { edge in
            let response = try await edge.send(.POST, "/rpc/clinic.testing.v1.TestService/FullDuplexCall", json: "{}")
            #expect(response.status == 501)
            #expect(edge.log.count == 0)
        }
    }
}

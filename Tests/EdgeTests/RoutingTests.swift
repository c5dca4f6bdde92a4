import ClinicAPI
import Foundation
import Testing

@testable import Edge

/// Each route shape, end to end over HTTP on loopback.
@Suite struct RoutingTests {
    @Test func genericRPCRouteCallsTheMethodWithAJSONBody() async throws {
        try await withEdge { edge in
            let response = try await edge.send(
                .POST, "/rpc/clinic.testing.v1.TestService/UnaryCall", json: #"{"responseSize": 3, "fillUsername": false}"#)
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json; charset=utf-8")
            #expect((response.json["payload"] as? [String: Any])?["body"] as? String == "AAAA")
            #expect(edge.log.last("UnaryCall", as: Clinic_Testing_V1_SimpleRequest.self)?.responseSize == 3)
        }
    }

    @Test func emptyBodyIsAnEmptyRequest() async throws {
        try await withEdge { edge in
            let response = try await edge.send(.POST, "/rpc/clinic.testing.v1.TestService/EmptyCall")
            #expect(response.status == 200)
            #expect(response.text == "{}")
        }
    }

    @Test func getWithAPathVariable() async throws {
        try await withEdge { edge in
            let response = try await edge.send(.GET, "/v1/exports/exp_42", headers: [("Authorization", "Bearer t0k3n")])
            #expect(response.status == 200)
            #expect(response.json["id"] as? String == "exp_42")
            #expect(response.json["kind"] as? String == "REPORT_KIND_APPOINTMENTS")
        }
    }

    @Test func percentEncodedPathVariableIsDecoded() async throws {
        try await withEdge { edge in
            let response = try await edge.send(.GET, "/v1/echo/caf%C3%A9%20au%20lait:inspect")
            #expect(response.status == 200)
            #expect(response.json["optionalString"] as? String == "café au lait")
        }
    }

    @Test func getWithNestedRepeatedAndEnumQueryParameters() async throws {
        try await withEdge { edge in
            let query = "dateRange.startDate.year=2024&dateRange.startDate.month=1&date_range.start_date.day=2"
                + "&dateRange.endDate.year=2024&dateRange.endDate.month=3&dateRange.endDate.day=31"
                + "&groupBy=APPOINTMENT_DIMENSION_DOCTOR&groupBy=3&doctorIds=d1&doctorIds=d2&granularity=TIME_GRANULARITY_WEEK"
            let response = try await edge.send(.GET, "/v1/statistics/appointments?\(query)", headers: [("Authorization", "Bearer t")])
            #expect(response.status == 200, "\(response.text)")
            let request = try #require(edge.log.last("GetAppointmentStatistics", as: Reporting.GetAppointmentStatistics.Input.self))
            #expect(request.dateRange?.startDate?.year == 2024)
            #expect(request.dateRange?.startDate?.day == 2)
            #expect(request.dateRange?.endDate?.month == 3)
            #expect(request.groupBy == [.doctor, .channel])
            #expect(request.doctorIds == ["d1", "d2"])
        }
    }

    @Test func postWithPathVariableAndCustomVerb() async throws {
        try await withEdge { edge in
            let response = try await edge.send(
                .POST, "/v1/exports/exp_7:cancel", headers: [("Authorization", "Bearer t")], json: #"{"clinicId": "c1"}"#)
            #expect(response.status == 200)
            let request = try #require(edge.log.last("CancelExport", as: Reporting.CancelExport.Input.self))
            #expect(request.exportId == "exp_7")
            #expect(request.clinicId == "c1")
        }
    }

    @Test func pathVariableWinsOverTheSameFieldInTheBody() async throws {
        try await withEdge { edge in
            let response = try await edge.send(.PUT, "/v1/echo/from-path", json: #"{"optionalString": "from-body", "optionalInt32": 5}"#)
            #expect(response.status == 200)
            #expect(response.json["optionalString"] as? String == "from-path")
            #expect(response.json["optionalInt32"] as? Int == 5)
        }
    }

    @Test func deleteAndPatchRoutes() async throws {
        try await withEdge { edge in
            let deleted = try await edge.send(.DELETE, "/v1/exports/exp_9?clinicId=c2", headers: [("Authorization", "Bearer t")])
            #expect(deleted.status == 200)
            #expect(edge.log.last("DeleteExport", as: Reporting.DeleteExport.Input.self)?.clinicId == "c2")
            let patched = try await edge.send(
                .PATCH, "/v1/patients/p_1", headers: [("Authorization", "Bearer t")],
                json: #"{"birthDate": {"year": 1990, "month": 5, "day": 17}}"#)
            #expect(patched.status == 200, "\(patched.text)")
            let request = try #require(edge.log.last("UpdatePatient", as: Patients.UpdatePatient.Input.self))
            #expect(request.patientId == "p_1")
            #expect(request.birthDate?.month == 5)
        }
    }

    @Test func bodyBoundToABytesFieldIsTheRawBody() async throws {
        try await withEdge(configuration: testConfiguration { $0.forwardedHeaders = ["stripe-signature"] }) { edge in
            let raw = #"{"id":"evt_1","type":"payment_intent.succeeded"} not even JSON"#
            let client = try await edge.client()
            let response = try await client.send(
                .POST, "/v1/payment-providers/stripe/events", headers: [("Stripe-Signature", "t=1,v1=abc")], body: Array(raw.utf8))
            await client.close()
            #expect(response.status == 200)
            #expect(response.json["applied"] as? Bool == true)
            let request = try #require(edge.log.last("HandleProviderEvent", as: Payments.HandleProviderEvent.Input.self))
            #expect(request.provider == "stripe")
            #expect(request.payload == Array(raw.utf8))
            #expect(edge.log.lastMetadata("HandleProviderEvent")?["stripe-signature"] == "t=1,v1=abc")
        }
    }

    @Test func bodyBoundToAMessageField() async throws {
        try await withEdge { edge in
            let response = try await edge.send(.POST, "/v1/echo/k:nested", json: #"{"a": 12}"#)
            #expect(response.status == 200)
            #expect((response.json["optionalNestedMessage"] as? [String: Any])?["a"] as? Int == 12)
            #expect(response.json["optionalString"] as? String == "k")
        }
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        try await withEdge { edge in
            let client = try await edge.client()
            for size in 1...5 {
                let response = try await client.send(
                    .POST, "/rpc/clinic.testing.v1.TestService/UnaryCall", body: Array(#"{"responseSize": \#(size)}"#.utf8))
                #expect(response.status == 200)
                #expect(response.header("connection") == nil)
            }
            await client.close()
            #expect(edge.log.count == 5)
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withEdge { edge in
            let client = try await edge.client()
            let response = try await client.send(.POST, "/rpc/clinic.testing.v1.TestService/EmptyCall", headers: [("Connection", "close")], body: [])
            #expect(response.status == 200)
            #expect(response.header("connection") == "close")
            #expect(await client.waitForClose())
        }
    }

    @Test func internalMethodsAreNotRouted() async throws {
        try await withEdge(catalogs: standardCatalogs + [Clinic_Registry_V1_RegistryService.catalog]) { edge in
            let response = try await edge.send(.POST, "/rpc/clinic.registry.v1.RegistryService/ListInstances", json: "{}")
            #expect(response.status == 404)
            #expect(response.errorCode == "not_found")
        }
    }
}

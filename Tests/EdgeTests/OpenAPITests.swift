import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore
import Testing

@testable import Edge

/// The OpenAPI document, generated from the descriptors of every service.
@Suite struct OpenAPITests {
    /// The document of the production catalogs (every service, unreachable callers: only the
    /// document is read).
    static func productionDocument() throws -> [String: Any] {
        let edge = try EdgeServer(configuration: testConfiguration()) { _ in UnusedCaller() }
        return try #require(try JSONSerialization.jsonObject(with: Data(edge.openAPIDocument)) as? [String: Any])
    }

    @Test func documentValidatesWithOpenAPISpecValidator() throws {
        let edge = try EdgeServer(configuration: testConfiguration(), services: EdgeServer.defaultServices + [MappingAPI.catalog]) { _ in UnusedCaller() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("edge-openapi-\(UUID().uuidString).json")
        try Data(edge.openAPIDocument).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "openapi_spec_validator", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "openapi-spec-validator (scripts/setup.sh installs it): \(text)")
    }

    @Test func everyRoutableMethodIsDescribed() throws {
        let document = try Self.productionDocument()
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for service in EdgeServer.defaultServices {
            for entry in service.methods where !entry.descriptor.policy.isInternal && entry.descriptor.kind != .bidirectionalStreaming {
                #expect(paths["/rpc/\(entry.descriptor.fullName)"]?["post"] != nil, "\(entry.descriptor)")
                if let http = entry.descriptor.http {
                    #expect(paths[http.path]?[http.method.lowercased()] != nil, "\(entry.descriptor)")
                }
            }
        }
        #expect(paths["/rpc/clinic.registry.v1.RegistryService/ListInstances"] == nil)
    }

    @Test func securitySchemasAndErrors() throws {
        let document = try Self.productionDocument()
        let components = try #require(document["components"] as? [String: Any])
        let schemes = try #require(components["securitySchemes"] as? [String: [String: String]])
        #expect(schemes["bearerAuth"]?["scheme"] == "bearer")
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        // Public: no security; others inherit the document's bearer requirement.
        #expect((paths["/v1/auth:login"]?["post"]?["security"] as? [Any])?.isEmpty == true)
        #expect(paths["/v1/patients/{patient_id}"]?["get"]?["security"] == nil)
        #expect((document["security"] as? [[String: Any]])?.first?["bearerAuth"] != nil)

        let schemas = try #require(components["schemas"] as? [String: [String: Any]])
        let login = try #require(schemas["clinic.auth.v1.LoginRequest"])
        let properties = try #require(login["properties"] as? [String: [String: Any]])
        #expect(properties["email"]?["type"] as? String == "string")
        let error = try #require(schemas["clinic.edge.Error"])
        #expect(error["required"] as? [String] == ["code", "message"])
        let codes = ((error["properties"] as? [String: [String: Any]])?["code"]?["enum"] as? [String]) ?? []
        #expect(codes.contains("invalid_argument") && codes.contains("unauthenticated"))
        let role = try #require(schemas["clinic.common.v1.Role"])
        #expect((role["enum"] as? [String])?.contains("ROLE_DOCTOR") == true)
    }

    @Test func requiredFieldsComeFromTheFieldRules() throws {
        let document = try Self.productionDocument()
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        func required(_ name: String) -> [String]? { schemas[name]?["required"] as? [String] }
        #expect(required("clinic.auth.v1.LoginRequest") == ["email", "password"])
        #expect(required("clinic.reporting.v1.CreateExportRequest") == ["kind", "format", "dateRange"])
        #expect(required("clinic.common.v1.DateRange") == ["startDate", "endDate"])
        #expect(required("clinic.patients.v1.DocumentUploadHeader") == ["patientId", "file", "category"])
        #expect(required("clinic.common.v1.FileInfo") == ["fileName", "mediaType"])
        #expect(required("clinic.reporting.v1.GetExportRequest") == ["exportId"])
        #expect(required("clinic.health.v1.HealthCheckRequest") == nil)
    }

    @Test func routeParametersAndBodies() throws {
        let document = try Self.productionDocument()
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        let statistics = try #require(paths["/v1/statistics/appointments"]?["get"])
        let parameters = try #require(statistics["parameters"] as? [[String: Any]])
        let names = parameters.map { $0["name"] as? String }
        #expect(names.contains("dateRange.startDate.year"))
        #expect(names.contains("groupBy"))
        #expect(statistics["requestBody"] == nil)
        let getPatient = try #require(paths["/v1/patients/{patient_id}"]?["get"]?["parameters"] as? [[String: Any]])
        #expect(getPatient.contains { $0["name"] as? String == "patient_id" && $0["in"] as? String == "path" && $0["required"] as? Bool == true })
        let webhook = try #require(paths["/v1/payment-providers/{provider}/events"]?["post"]?["requestBody"] as? [String: Any])
        #expect((webhook["content"] as? [String: Any])?["application/octet-stream"] != nil)
        let watch = try #require(paths["/v1/health:watch"]?["get"]?["responses"] as? [String: [String: Any]])
        #expect((watch["200"]?["content"] as? [String: Any])?["text/event-stream"] != nil)
    }

    @Test func documentIsServed() async throws {
        try await withEdge { edge in
            let response = try await edge.send(.GET, "/openapi.json")
            #expect(response.status == 200)
            #expect(response.json["openapi"] as? String == "3.1.0")
            #expect(try await edge.send(.POST, "/openapi.json").status == 405)
        }
    }
}

/// A caller for documents that are only read, never called.
struct UnusedCaller: RPCCaller {
    func unary<Input: SerializableMessage, Output: SerializableMessage>(
        request: Input, method: MethodDescriptor, options: CallOptions
    ) async throws -> Output { throw RPCError(code: .unavailable, message: "unused") }

    func serverStreaming<Input: SerializableMessage, Output: SerializableMessage, Result: Sendable>(
        request: Input, method: MethodDescriptor, options: CallOptions,
        onResponse: @Sendable @escaping (RPCAsyncSequence<Output>) async throws -> Result
    ) async throws -> Result { throw RPCError(code: .unavailable, message: "unused") }

    func clientStreaming<Input: SerializableMessage, Output: SerializableMessage>(
        method: MethodDescriptor, options: CallOptions, requestProducer: @Sendable @escaping (RPCWriter<Input>) async throws -> Void
    ) async throws -> Output { throw RPCError(code: .unavailable, message: "unused") }

    func bidirectionalStreaming<Input: SerializableMessage, Output: SerializableMessage, Result: Sendable>(
        method: MethodDescriptor, options: CallOptions, requestProducer: @Sendable @escaping (RPCWriter<Input>) async throws -> Void,
        onResponse: @Sendable @escaping (RPCAsyncSequence<Output>) async throws -> Result
    ) async throws -> Result { throw RPCError(code: .unavailable, message: "unused") }
}

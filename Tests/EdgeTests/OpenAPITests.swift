import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore
import Testing
import TestSupport

@testable import Edge

/// The OpenAPI document, generated from the descriptors of every service.
@Suite struct OpenAPITests {
    /// The document of the production catalogs (every service, unreachable callers: only the
    /// document is read).
    static func productionDocument() throws -> [String: Any] {
        let edge = try EdgeServer(configuration: testConfiguration()) { _ in UnusedCaller() }
        return try #require(try JSONSerialization.jsonObject(with: Data(edge.openAPIDocument)) as? [String: Any])
    }

    @Test func documentValidatesWithOpenAPISpecValidator() async throws {
        let edge = try EdgeServer(configuration: testConfiguration(), services: EdgeServer.defaultServices + [MappingAPI.catalog]) { _ in UnusedCaller() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("edge-openapi-\(UUID().uuidString).json")
        try Data(edge.openAPIDocument).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ChildProcess.run("python3", ["-m", "openapi_spec_validator", file.path])
        let text = result.outputText + result.errorText
        #expect(result.succeeded, "openapi-spec-validator (scripts/setup.sh installs it): \(text)")
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

    @Test func fieldRulesBecomeSchemaKeywords() throws {
        let document = try Self.productionDocument()
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        func property(_ message: String, _ field: String) -> [String: Any]? {
            (schemas[message]?["properties"] as? [String: [String: Any]])?[field]
        }
        // Lengths (a required string is at least one character), formats, patterns.
        let email = try #require(property("clinic.auth.v1.LoginRequest", "email"))
        #expect(email["minLength"] as? Int == 1 && email["maxLength"] as? Int == 254 && email["format"] as? String == "email")
        let header = "clinic.patients.v1.DocumentUploadHeader"
        #expect(property(header, "patientId")?["pattern"] as? String == "^[A-Za-z0-9_-]{0,64}$")
        #expect(property(header, "requestId")?["format"] as? String == "uuid")
        // A required enum leaves out its zero value.
        let categories = try #require(property(header, "category")?["enum"] as? [String])
        #expect(!categories.contains("DOCUMENT_CATEGORY_UNSPECIFIED") && categories.contains("DOCUMENT_CATEGORY_OTHER"))
        // Bounds, item counts; bytes lengths as base64 text.
        let pageSize = try #require(property("clinic.reporting.v1.ListExportsRequest", "pageSize"))
        #expect(pageSize["minimum"] as? Int == 0 && pageSize["maximum"] as? Int == 500)
        let groupBy = try #require(property("clinic.reporting.v1.GetAppointmentStatisticsRequest", "groupBy"))
        #expect(groupBy["maxItems"] as? Int == 2)
        #expect(property("clinic.common.v1.FileInfo", "sha256")?["maxLength"] as? Int == 44)  // 32 bytes
        // Path parameters carry the rules too; required query parameters say so.
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        let getPatient = try #require(paths["/v1/patients/{patient_id}"]?["get"]?["parameters"] as? [[String: Any]])
        let patientID = try #require(getPatient.first { $0["name"] as? String == "patient_id" })
        #expect((patientID["schema"] as? [String: Any])?["pattern"] as? String == "^[A-Za-z0-9_-]{0,64}$")
        let search = try #require(paths["/v1/clinics:search"]?["get"]?["parameters"] as? [[String: Any]])
        #expect(search.first { $0["name"] as? String == "query" }?["required"] as? Bool == true)
        #expect(search.first { $0["name"] as? String == "pageSize" }?["required"] == nil)
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

import ClinicAPI
import ConformanceProtos
import ProtoRuntime
import RPCCore
import WellKnownTypes

typealias TestAllTypes = ProtobufTestMessages_Proto3_TestAllTypesProto3

/// The gRPC interop TestService, implemented for the edge tests: unary echo of sizes and
/// statuses, server streaming of the requested sizes, client streaming that sums payloads.
struct InteropTestService: Clinic_Testing_V1_TestService.ServiceProtocol {
    let log: CallLog

    func emptyCall(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Google_Protobuf_Empty {
        log.record("EmptyCall", context, request)
        return Google_Protobuf_Empty()
    }

    func unaryCall(request: Clinic_Testing_V1_SimpleRequest, context: ServerContext) async throws -> Clinic_Testing_V1_SimpleResponse {
        log.record("UnaryCall", context, request)
        if let status = request.responseStatus, status.code != 0 {
            throw RPCError(code: RPCError.Code(wireValue: Int(status.code)), message: status.message)
        }
        return .with {
            $0.payload = .with { $0.body = [UInt8](repeating: 0, count: Int(request.responseSize)) }
            if request.fillUsername { $0.username = context.requestMetadata["authorization"] ?? "" }
            if request.fillServerId { $0.serverId = context.requestMetadata["clinic-request-id"] ?? "" }
        }
    }

    func streamingOutputCall(
        request: Clinic_Testing_V1_StreamingOutputCallRequest, response: RPCWriter<Clinic_Testing_V1_StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        log.record("StreamingOutputCall", context, request)
        for parameters in request.responseParameters {
            if parameters.intervalUs > 0 { try await Task.sleep(for: .microseconds(Int(parameters.intervalUs))) }
            try await response.write(.with { $0.payload = .with { $0.body = [UInt8](repeating: 7, count: Int(parameters.size)) } })
        }
        if let status = request.responseStatus, status.code != 0 {
            throw RPCError(code: RPCError.Code(wireValue: Int(status.code)), message: status.message)
        }
    }

    func streamingInputCall(
        request: RPCAsyncSequence<Clinic_Testing_V1_StreamingInputCallRequest>, context: ServerContext
    ) async throws -> Clinic_Testing_V1_StreamingInputCallResponse {
        var total = 0
        var count = 0
        for try await message in request {
            total += message.payload?.body.count ?? 0
            count += 1
        }
        log.record("StreamingInputCall", context, count)
        return .with { $0.aggregatedPayloadSize = Int32(total) }
    }

    func fullDuplexCall(
        request: RPCAsyncSequence<Clinic_Testing_V1_StreamingOutputCallRequest>, response: RPCWriter<Clinic_Testing_V1_StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        log.record("FullDuplexCall", context, 0)
    }

    func halfDuplexCall(
        request: RPCAsyncSequence<Clinic_Testing_V1_StreamingOutputCallRequest>, response: RPCWriter<Clinic_Testing_V1_StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        log.record("HalfDuplexCall", context, 0)
    }

    func unimplementedCall(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Google_Protobuf_Empty {
        throw RPCError(code: .unimplemented, message: "not implemented")
    }
}

/// The health service: `Check` by query parameter, `Watch` as a stream that sends the status
/// and then waits until the caller goes away (recording that it was cancelled).
struct HealthTestService: Clinic_Health_V1_HealthService.ServiceProtocol {
    let log: CallLog

    func check(request: Clinic_Health_V1_HealthCheckRequest, context: ServerContext) async throws -> Clinic_Health_V1_HealthCheckResponse {
        log.record("Check", context, request)
        guard request.service.isEmpty || request.service == "clinic.testing.v1.TestService" else {
            throw RPCError(code: .notFound, message: "unknown service \(request.service)")
        }
        return .with { $0.status = .serving }
    }

    func list(request: Clinic_Health_V1_HealthListRequest, context: ServerContext) async throws -> Clinic_Health_V1_HealthListResponse {
        log.record("List", context, request)
        return Clinic_Health_V1_HealthListResponse()
    }

    func watch(
        request: Clinic_Health_V1_HealthCheckRequest, response: RPCWriter<Clinic_Health_V1_HealthCheckResponse>, context: ServerContext
    ) async throws {
        log.record("Watch", context, request)
        try await response.write(.with { $0.status = .serving })
        try await response.write(.with { $0.status = .notServing })
        do {
            try await Task.sleep(for: .seconds(3600))
        } catch {
            log.record("Watch.cancelled", context, request)
            throw error
        }
    }
}

/// Handlers for chosen methods of generated services, registered with the generated descriptors
/// and message types (the router decodes and validates exactly as for a full implementation).
struct StubService: RPCService {
    let serviceDescriptor: ServiceDescriptor
    let registrations: [@Sendable (inout RPCRouter) -> Void]

    func registerMethods(with router: inout RPCRouter) {
        for register in registrations { register(&router) }
    }

    /// A unary handler that records its request and answers `reply(request)`.
    static func unary<Input: ProtoMessage, Output: ProtoMessage>(
        _ method: MethodDescriptor, _ input: Input.Type, _ output: Output.Type, log: CallLog,
        reply: @escaping @Sendable (Input) throws -> Output
    ) -> @Sendable (inout RPCRouter) -> Void {
        { router in
            router.registerUnary(method, Input.self, Output.self) { request, context in
                log.record(method.method, context, request)
                return try reply(request)
            }
        }
    }
}

/// A test-only service over the conformance suite's TestAllTypesProto3 (every field kind), with
/// a route of each shape: body `*`, query parameters, a path variable with a custom verb, and a
/// method that needs a token. It shows that a method is reachable as soon as it is in a catalog.
enum MappingAPI {
    static let service = ServiceDescriptor(fullName: "edge.test.v1.MappingService")
    static let open = MethodPolicy(roles: [], isPublic: true, isInternal: false, isIdempotent: true, isTenantScoped: false)
    static let protected = MethodPolicy(roles: ["doctor"], isPublic: false, isInternal: false, isIdempotent: false, isTenantScoped: false)

    static let echo = method("Echo", open, HTTPRoute(method: "POST", path: "/v1/echo", body: "*"))
    static let echoQuery = method("EchoQuery", open, HTTPRoute(method: "GET", path: "/v1/echo", body: ""))
    static let inspect = method("Inspect", open, HTTPRoute(method: "GET", path: "/v1/echo/{optional_string}:inspect", body: ""))
    static let replace = method("Replace", open, HTTPRoute(method: "PUT", path: "/v1/echo/{optional_string}", body: "*"))
    static let secret = method("Secret", protected, HTTPRoute(method: "POST", path: "/v1/echo:secret", body: "*"))
    static let nested = method("Nested", open, HTTPRoute(method: "POST", path: "/v1/echo/{optional_string}:nested", body: "optional_nested_message"))

    static let all = [echo, echoQuery, inspect, replace, secret, nested]

    static let catalog = ServiceCatalog(
        descriptor: service, methods: all.map { MethodCatalogEntry($0, input: TestAllTypes.self, output: TestAllTypes.self) })

    private static func method(_ name: String, _ policy: MethodPolicy, _ http: HTTPRoute) -> MethodDescriptor {
        MethodDescriptor(service: service.fullName, method: name, kind: .unary, policy: policy, http: http)
    }

    /// Every method echoes its request.
    static func implementation(log: CallLog) -> StubService {
        StubService(serviceDescriptor: service, registrations: all.map { method in
            StubService.unary(method, TestAllTypes.self, TestAllTypes.self, log: log) { $0 }
        })
    }
}

typealias Reporting = Clinic_Reporting_V1_ReportingService.Method
typealias Payments = Clinic_Billing_V1_PaymentService.Method
typealias Auth = Clinic_Auth_V1_AuthService.Method
typealias Patients = Clinic_Patients_V1_PatientService.Method
typealias Records = Clinic_Patients_V1_MedicalRecordService.Method

/// The services behind the edge in most tests.
func standardServices(_ log: CallLog) -> [any RPCService] {
    [
        InteropTestService(log: log),
        HealthTestService(log: log),
        MappingAPI.implementation(log: log),
        StubService(serviceDescriptor: Clinic_Reporting_V1_ReportingService.descriptor, registrations: [
            StubService.unary(Reporting.GetAppointmentStatistics.descriptor, Reporting.GetAppointmentStatistics.Input.self,
                              Reporting.GetAppointmentStatistics.Output.self, log: log) { _ in .init() },
            StubService.unary(Reporting.GetExport.descriptor, Reporting.GetExport.Input.self, Reporting.GetExport.Output.self, log: log) {
                request in .with { $0.id = request.exportId; $0.kind = .appointments }
            },
            StubService.unary(Reporting.CancelExport.descriptor, Reporting.CancelExport.Input.self, Reporting.CancelExport.Output.self, log: log) {
                request in .with { $0.id = request.exportId }
            },
            StubService.unary(Reporting.DeleteExport.descriptor, Reporting.DeleteExport.Input.self, Reporting.DeleteExport.Output.self, log: log) {
                request in .with { $0.id = request.exportId }
            },
            StubService.unary(Reporting.CreateExport.descriptor, Reporting.CreateExport.Input.self, Reporting.CreateExport.Output.self, log: log) {
                request in .with { $0.kind = request.kind; $0.doctorIds = request.doctorIds }
            },
        ]),
        StubService(serviceDescriptor: Clinic_Billing_V1_PaymentService.descriptor, registrations: [
            StubService.unary(Payments.HandleProviderEvent.descriptor, Payments.HandleProviderEvent.Input.self,
                              Payments.HandleProviderEvent.Output.self, log: log) { _ in .with { $0.applied = true } },
        ]),
        StubService(serviceDescriptor: Clinic_Auth_V1_AuthService.descriptor, registrations: [
            StubService.unary(Auth.Login.descriptor, Auth.Login.Input.self, Auth.Login.Output.self, log: log) { _ in .init() },
        ]),
        StubService(serviceDescriptor: Clinic_Patients_V1_PatientService.descriptor, registrations: [
            StubService.unary(Patients.UpdatePatient.descriptor, Patients.UpdatePatient.Input.self, Patients.UpdatePatient.Output.self, log: log) {
                _ in .init()
            },
        ]),
        StubService(serviceDescriptor: Clinic_Patients_V1_MedicalRecordService.descriptor, registrations: [
            { router in
                router.registerClientStreaming(Records.UploadDocument.descriptor, Records.UploadDocument.Input.self, Records.UploadDocument.Output.self) {
                    requests, context in
                    var parts: [Records.UploadDocument.Input] = []
                    for try await part in requests { parts.append(part) }
                    log.record("UploadDocument", context, parts)
                    return .with { $0.title = "\(parts.count) parts" }
                }
            },
        ]),
    ]
}

/// The catalogs the edge serves in most tests (UnimplementedService has no server: 501).
let standardCatalogs: [ServiceCatalog] = [
    Clinic_Testing_V1_TestService.catalog,
    Clinic_Testing_V1_UnimplementedService.catalog,
    Clinic_Health_V1_HealthService.catalog,
    Clinic_Reporting_V1_ReportingService.catalog,
    Clinic_Billing_V1_PaymentService.catalog,
    Clinic_Auth_V1_AuthService.catalog,
    Clinic_Patients_V1_PatientService.catalog,
    Clinic_Patients_V1_MedicalRecordService.catalog,
    MappingAPI.catalog,
]

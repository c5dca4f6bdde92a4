import ClinicAPI
import Foundation
import Logging
@testable import Platform
import ProtoRuntime
import RPCCore
import Storage
import TestSupport
import WellKnownTypes

/// Who a test call comes from at the transport level.
enum TestPeer: Hashable, CaseIterable {
    /// No certificate identity (an outside caller through the edge, in effect).
    case anonymous
    /// A trusted backend service (`spiffe://clinic/doctors`).
    case doctorsService
    /// The edge: a platform certificate, but not trusted as a service.
    case edge

    var peer: Peer {
        switch self {
        case .anonymous: Peer(address: "in-process")
        case .doctorsService: Peer(address: "in-process", identity: "spiffe://clinic/doctors")
        case .edge: Peer(address: "in-process", identity: "spiffe://clinic/edge")
        }
    }
}

/// An `RPCServer` with the authorization interceptor, reachable from each `TestPeer` over its
/// own in-process transport, with a real tenant database pool in a temporary folder.
final class CallHarness: Sendable {
    let server: RPCServer
    let transports: [TestPeer: InProcessTransport]
    let pool: TenantDatabasePool
    let directory: String
    private let serving: Task<Void, any Error>

    init(
        router: RPCRouter, verifier: AccessTokenVerifier, clinics: Set<String> = ["clinic_a", "clinic_b"],
        patientLinks: StandardTenantAdmission.PatientLinks? = nil, extraInterceptors: [any ServerInterceptor] = []
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("platform-\(UUID().uuidString)").path
        var storage = StorageConfiguration()
        storage.logger.logLevel = .error
        storage.sharedThreadPool = sharedStorageThreads
        pool = try TenantDatabasePool(
            dataDirectory: directory, service: "probe", tenantMigrator: ProbeSchema.migrator, configuration: storage,
            threadCount: 2)
        let admission = StandardTenantAdmission(
            clinics: FixedTenantDirectory(Set(try clinics.map { try TenantID($0) })), patientLinks: patientLinks)
        let interceptor = AuthorizationInterceptor(
            verifier: verifier, tenants: TenantDatabases(pool: pool, admission: admission))
        var transports: [TestPeer: InProcessTransport] = [:]
        for peer in TestPeer.allCases { transports[peer] = InProcessTransport(peer: peer.peer) }
        self.transports = transports
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        server = RPCServer(
            router: router, transports: transports.values.map(\.server), interceptors: [interceptor] + extraInterceptors,
            logger: logger)
        let server = self.server
        serving = Task { try await server.serve() }
    }

    /// Calls `method` with an empty request (any call shape), returning the final status and
    /// trailing metadata.
    func call(
        _ method: String, from peer: TestPeer = .anonymous, token: String? = nil, metadata extra: Metadata = [:]
    ) async throws -> (status: RPCStatus, trailers: Metadata) {
        var metadata = extra
        if let token { metadata.add("authorization", "Bearer \(token)") }
        let transport = transports[peer]!  // Every peer has a transport.
        return try await transport.client.withStream(RPCCallStart(method: method, metadata: metadata)) { stream in
            try? await stream.outbound.write(.message([]))
            try? await stream.outbound.write(.end)
            for try await part in stream.inbound {
                if case .trailers(let status, let trailers) = part { return (status, trailers) }
            }
            return (RPCStatus(code: .internal, message: "no trailers"), [:])
        }
    }

    func shutdown() async {
        server.beginGracefulShutdown(gracePeriod: .seconds(1))
        _ = await serving.result
        await pool.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The tenant schema of the probe service: one table of markers.
enum ProbeSchema {
    static let migrator = Migrator([
        Migration(version: 1, name: "markers", sql: "CREATE TABLE markers (id INTEGER PRIMARY KEY, note TEXT NOT NULL);")
    ])
}

/// Methods with hand-picked policies, whose handler reports what it was given: the principal in
/// trailer `x-principal`, and for tenant-scoped ones the tenant whose database it got (named by
/// request metadata `x-clinic-id`) and the markers in that database.
enum ProbeService {
    static let service = "test.probe.v1.ProbeService"

    static func descriptor(_ name: String, _ policy: MethodPolicy) -> MethodDescriptor {
        MethodDescriptor(service: service, method: name, kind: .unary, policy: policy, http: nil)
    }

    static let publicMethod = descriptor("Public", MethodPolicy(roles: [], isPublic: true, isInternal: false, isIdempotent: true, isTenantScoped: false))
    static let internalMethod = descriptor("Internal", .internalOnly)
    static let staffMethod = descriptor("Staff", MethodPolicy(roles: ["clinic_admin", "doctor"], isPublic: false, isInternal: false, isIdempotent: false, isTenantScoped: false))
    static let adminOrService = descriptor("AdminOrService", MethodPolicy(roles: ["super_admin", "service"], isPublic: false, isInternal: false, isIdempotent: false, isTenantScoped: false))
    static let nobody = descriptor("Nobody", MethodPolicy(roles: [], isPublic: false, isInternal: false, isIdempotent: false, isTenantScoped: false))
    static let tenantMethod = descriptor("Tenant", MethodPolicy(roles: ["super_admin", "clinic_admin", "doctor", "patient", "service"], isPublic: false, isInternal: false, isIdempotent: false, isTenantScoped: true))
    static let publicTenantMethod = descriptor("PublicTenant", MethodPolicy(roles: [], isPublic: true, isInternal: false, isIdempotent: true, isTenantScoped: true))

    static var router: RPCRouter {
        var router = RPCRouter()
        for method in [publicMethod, internalMethod, staffMethod, adminOrService, nobody, tenantMethod, publicTenantMethod] {
            router.registerUnary(method, Google_Protobuf_Empty.self, Google_Protobuf_Empty.self) { _, context in
                var trailing: Metadata = [:]
                trailing.add("x-principal", context.principal.map { "\($0)" } ?? "anonymous")
                if let tenant = context.tenant { trailing.add("x-token-tenant", tenant.rawValue) }
                if context.method.policy.isTenantScoped || context.requestMetadata["x-try-tenant"] != nil {
                    let database = try await context.tenantDatabase(clinicID: context.requestMetadata["x-clinic-id"] ?? "")
                    let note = context.requestMetadata["x-write"]
                    let markers = try await database.write { db -> [String] in
                        if let note { try db.execute("INSERT INTO markers (note) VALUES (?)", [note]) }
                        return try db.query("SELECT note FROM markers ORDER BY id") { try $0.get("note") }
                    }
                    trailing.add("x-tenant", database.tenant.rawValue)
                    trailing.add("x-markers", markers.joined(separator: ","))
                }
                context.response.trailing = trailing
                return Google_Protobuf_Empty()
            }
        }
        return router
    }
}

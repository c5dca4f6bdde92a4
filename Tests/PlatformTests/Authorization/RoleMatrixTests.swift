import ClinicAPI
@testable import Platform
import ProtoRuntime
import RPCCore
import Synchronization
import Testing

/// Every RPC of every service in `ClinicAPICatalog.services` × every caller role: the roles the
/// `.proto` allows pass authorization, every other authenticated caller gets permission_denied,
/// an anonymous one unauthenticated. Run through `RPCServer` and the in-process transport with a
/// pass-through handler per method.
@Suite("Role matrix from the .proto policies")
struct RoleMatrixTests {
    /// A caller of the matrix: a role with a token, a service by certificate, or nobody.
    enum Caller: CaseIterable, CustomStringConvertible {
        case anonymous, superAdmin, clinicAdmin, doctor, patient, service

        var role: Role? {
            switch self {
            case .anonymous: nil
            case .superAdmin: .superAdmin
            case .clinicAdmin: .clinicAdmin
            case .doctor: .doctor
            case .patient: .patient
            case .service: .service
            }
        }

        var description: String { role?.rawValue ?? "anonymous" }
    }

    /// Records that a call got past authorization, then stops it (the handler is not the point).
    final class PassedAuthorization: ServerInterceptor {
        let passed = Mutex<Set<String>>([])

        func intercept(context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
            let key = context.requestMetadata["x-case"] ?? ""
            passed.withLock { _ = $0.insert(key) }
            try await next(context)
        }
    }

    /// Registers a pass-through handler (default response) for a catalog method of any shape.
    static func register<Input: ProtoMessage, Output: ProtoMessage>(
        _ method: MethodDescriptor, _ input: Input.Type, _ output: Output.Type, on router: inout RPCRouter
    ) {
        switch method.kind {
        case .unary:
            router.registerUnary(method, Input.self, Output.self) { _, _ in Output() }
        case .serverStreaming:
            router.registerServerStreaming(method, Input.self, Output.self) { _, _, _ in }
        case .clientStreaming:
            router.registerClientStreaming(method, Input.self, Output.self) { _, _ in Output() }
        case .bidirectionalStreaming:
            router.registerBidirectionalStreaming(method, Input.self, Output.self) { _, _, _ in }
        }
    }

    static func expectedToPass(_ policy: MethodPolicy, _ caller: Caller) -> Bool {
        if policy.isPublic { return true }
        if policy.isInternal { return caller == .service }
        guard let role = caller.role else { return false }
        return policy.roles.contains(role.rawValue)
    }

    @Test func everyMethodTimesEveryRole() async throws {
        let tokens = try TokenFixture()
        var router = RPCRouter()
        var methods: [MethodDescriptor] = []
        for service in ClinicAPICatalog.services {
            for entry in service.methods {
                Self.register(entry.descriptor, entry.input, entry.output, on: &router)
                methods.append(entry.descriptor)
            }
        }
        #expect(methods.count > 100)
        let passed = PassedAuthorization()
        let harness = try CallHarness(router: router, verifier: tokens.verifier, extraInterceptors: [passed])
        var tokenOf: [Caller: String] = [:]
        for caller in Caller.allCases {
            guard let role = caller.role, role != .service else { continue }
            tokenOf[caller] = try tokens.token([role], tenant: role.isClinicStaff ? "clinic_a" : nil, account: "acc_\(role.rawValue)")
        }
        var checked = 0
        for method in methods {
            for caller in Caller.allCases {
                let key = "\(method.fullName) as \(caller)"
                let (status, _) = try await harness.call(
                    method.fullName, from: caller == .service ? .doctorsService : .anonymous, token: tokenOf[caller],
                    metadata: ["x-case": key])
                let reached = passed.passed.withLock { $0.contains(key) }
                if Self.expectedToPass(method.policy, caller) {
                    #expect(reached, "\(key) should pass authorization")
                    #expect(status.code != .permissionDenied && status.code != .unauthenticated, "\(key): \(status)")
                } else {
                    #expect(!reached, "\(key) should be refused")
                    let expected: RPCError.Code = caller == .anonymous ? .unauthenticated : .permissionDenied
                    #expect(status.code == expected, "\(key): \(status)")
                }
                checked += 1
            }
        }
        await harness.shutdown()
        #expect(checked == methods.count * Caller.allCases.count)
    }
}

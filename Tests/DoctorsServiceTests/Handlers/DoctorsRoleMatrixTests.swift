import ClinicAPI
@testable import DoctorsService
import Platform
import RPCCore
import Testing

@Suite("Role matrix of DoctorService")
struct DoctorsRoleMatrixTests {
    @Test("every method × every caller: allowed callers get past the policy, others are refused")
    func matrix() async throws {
        try await withHarness { harness async throws in
            for method in Clinic_Doctors_V1_DoctorService.Method.all {
                let policy = method.policy
                for role in Role.accountRoles {
                    let options = try harness.caller([role], tenant: role.isClinicStaff ? "cln_matrix" : nil)
                    let status = try await rawStatus(harness.doctorsOutside, method, metadata: options.metadata)
                    let allowed = policy.isPublic || policy.roles.contains(role.rawValue)
                    Self.check(status, allowed: allowed, method: method, caller: role.rawValue)
                }
                let service = try await rawStatus(harness.doctorsFromService, method, metadata: [:])
                Self.check(service, allowed: policy.isPublic || policy.roles.contains("service"), method: method, caller: "service")
                let anonymous = try await rawStatus(harness.doctorsOutside, method, metadata: [:])
                if policy.isPublic {
                    Self.check(anonymous, allowed: true, method: method, caller: "anonymous")
                } else {
                    #expect(anonymous.code == .unauthenticated, "\(method.fullName) anonymous: \(anonymous)")
                }
            }
        }
    }

    static func check(_ status: RPCStatus, allowed: Bool, method: MethodDescriptor, caller: String) {
        if allowed {
            #expect(status.code != .permissionDenied && status.code != .unauthenticated, "\(method.fullName) as \(caller): \(status)")
        } else {
            #expect(status.code == .permissionDenied, "\(method.fullName) as \(caller): \(status)")
        }
    }
}

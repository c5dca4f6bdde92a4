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
            // Staff tokens name an existing clinic (a deleted or unknown one is refused first).
            let clinicID = try await harness.makeClinic()
            for method in Clinic_Doctors_V1_DoctorService.Method.all {
                let policy = method.policy
                for role in Role.accountRoles {
                    let options = try harness.caller([role], tenant: role.isClinicStaff ? clinicID : nil)
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

    @Test("after DeleteClinic its staff's tokens, though unexpired, are refused; after UndeleteClinic they work again")
    func deletedClinicEndsStaffTokens() async throws {
        try await withHarness { harness in
            let clinicID = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinicID)
            let asDoctor = try harness.doctorCaller(doctor, clinicID: clinicID)
            var get = Clinic_Doctors_V1_GetDoctorRequest()
            get.doctorId = doctor.id
            #expect(try await harness.doctors.getDoctor(get, options: asDoctor).id == doctor.id)

            var delete = Clinic_Clinics_V1_DeleteClinicRequest()
            delete.clinicId = clinicID
            _ = try await harness.clinics.deleteClinic(delete, options: try harness.caller([.superAdmin]))
            await expectError(.unauthenticated) { _ = try await harness.doctors.getDoctor(get, options: asDoctor) }
            await expectError(.unauthenticated) { _ = try await harness.addDoctor(to: clinicID, given: "Late") }
            // A clinic nobody knows is refused the same way.
            await expectError(.unauthenticated) {
                _ = try await harness.doctors.getDoctor(get, options: try harness.admin("cln_unknown"))
            }

            var undelete = Clinic_Clinics_V1_UndeleteClinicRequest()
            undelete.clinicId = clinicID
            _ = try await harness.clinics.undeleteClinic(undelete, options: try harness.caller([.superAdmin]))
            #expect(try await harness.doctors.getDoctor(get, options: asDoctor).id == doctor.id)
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

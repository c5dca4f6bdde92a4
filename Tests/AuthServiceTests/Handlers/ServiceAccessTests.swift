@testable import AuthService
import ClinicAPI
import Foundation
import Platform
import RPCCore
import Testing

@Suite("Services: least privilege, and the staff access of deleted clinics")
struct ServiceAccessTests {
    static func access(_ clinicID: String, enabled: Bool, generation: Int64) -> Clinic_Auth_V1_SetClinicAccessRequest {
        var request = Clinic_Auth_V1_SetClinicAccessRequest()
        request.clinicId = clinicID
        request.enabled = enabled
        request.generation = generation
        return request
    }

    @Test("each service creates only its own kind of account, by its mTLS identity")
    func leastPrivilegeForCreation() async throws {
        try await AuthHarness.with { harness in
            let (clinics, doctors, patients, appointments) = (
                harness.client(service: "clinics"), harness.client(service: "doctors"), harness.client(service: "patients"),
                harness.client(service: "appointments"))
            let admin = try await clinics.auth.createAccount(Requests.create("first.admin@clinic.example", roles: [.clinicAdmin], clinic: "clinic_a"))
            #expect(admin.roles == [.clinicAdmin] && admin.clinicId == "clinic_a")
            _ = try await doctors.auth.createAccount(Requests.create("doc@clinic.example", roles: [.doctor], clinic: "clinic_a"))
            _ = try await patients.auth.createAccount(Requests.create("pat@clinic.example", roles: [.patient]))

            let refused: [(AuthClient, Clinic_Auth_V1_CreateAccountRequest)] = [
                (clinics, Requests.create("a@clinic.example", roles: [.doctor], clinic: "clinic_a")),
                (clinics, Requests.create("b@clinic.example", roles: [.patient])),
                (doctors, Requests.create("c@clinic.example", roles: [.clinicAdmin], clinic: "clinic_a")),
                (doctors, Requests.create("d@clinic.example", roles: [.patient])),
                (patients, Requests.create("e@clinic.example", roles: [.doctor], clinic: "clinic_a")),
                (patients, Requests.create("f@clinic.example", roles: [.clinicAdmin], clinic: "clinic_a")),
                (appointments, Requests.create("g@clinic.example", roles: [.patient])),
                (appointments, Requests.create("h@clinic.example", roles: [.doctor], clinic: "clinic_a")),
                (clinics, Requests.create("i@clinic.example", roles: [.superAdmin])),
            ]
            for (caller, request) in refused {
                #expect(await rpcCode { try await caller.auth.createAccount(request) } == .permissionDenied, "\(request.account!.email)")
            }
            // Nothing was created by the refused calls.
            let (root, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            var list = Clinic_Auth_V1_ListAccountsRequest()
            list.pageSize = 100
            #expect(try await root.auth.listAccounts(list).accounts.count == 4)
            // A service also manages only its own kind: the doctors service cannot read a patient.
            let patient = try await harness.seed("someone@clinic.example", roles: [.patient])
            #expect(await rpcCode { try await doctors.auth.account(patient.id) } == .notFound)
            #expect(try await patients.auth.account(patient.id).id == patient.id)
        }
    }

    @Test("a disabled clinic's staff cannot log in or refresh, their sessions end; enabling restores login")
    func disabledClinicStaff() async throws {
        try await AuthHarness.with { harness in
            let clinics = harness.client(service: "clinics")
            try await harness.seed("admin.a@clinic.example", roles: [.clinicAdmin], clinic: "clinic_a")
            try await harness.seed("doc.a@clinic.example", roles: [.doctor], clinic: "clinic_a")
            try await harness.seed("doc.b@clinic.example", roles: [.doctor], clinic: "clinic_b")
            try await harness.seed("patient@clinic.example", roles: [.patient])
            let adminLogin = try #require(try await harness.login("admin.a@clinic.example").1.tokens)
            _ = try await harness.login("doc.a@clinic.example")
            _ = try await harness.login("doc.a@clinic.example")

            let disabled = try await clinics.auth.setClinicAccess(Self.access("clinic_a", enabled: false, generation: 3))
            #expect(!disabled.enabled && disabled.generation == 3 && disabled.revokedSessions == 3)
            // Same answer as a wrong password, for both staff accounts of the clinic.
            for email in ["admin.a@clinic.example", "doc.a@clinic.example"] {
                #expect(await rpcCode { try await harness.login(email) } == .unauthenticated)
            }
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(adminLogin.refreshToken)) } == .unauthenticated)
            // Others are not touched.
            _ = try await harness.login("doc.b@clinic.example")
            _ = try await harness.login("patient@clinic.example")
            // No staff account can be made in it meanwhile.
            let (root, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            let error = await rpcError {
                try await root.auth.createAccount(Requests.create("late@clinic.example", roles: [.doctor], clinic: "clinic_a"))
            }
            #expect(error?.code == .failedPrecondition && error?.message.hasPrefix("account.clinic_id") == true)
            // Repeating is harmless.
            #expect(try await clinics.auth.setClinicAccess(Self.access("clinic_a", enabled: false, generation: 3)).revokedSessions == 0)

            let enabled = try await clinics.auth.setClinicAccess(Self.access("clinic_a", enabled: true, generation: 4))
            #expect(enabled.enabled && enabled.generation == 4)
            _ = try await harness.login("admin.a@clinic.example")
            // The revoked session stays revoked.
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(adminLogin.refreshToken)) } == .unauthenticated)
            // A late retry of the older change is overtaken and changes nothing.
            let late = try await clinics.auth.setClinicAccess(Self.access("clinic_a", enabled: false, generation: 3))
            #expect(late.enabled && late.generation == 4 && late.revokedSessions == 0)
            _ = try await harness.login("doc.a@clinic.example")
        }
    }

    @Test("only the clinics service sets a clinic's access")
    func setClinicAccessIsTheClinicsServicesAlone() async throws {
        try await AuthHarness.with { harness in
            let request = Self.access("clinic_a", enabled: false, generation: 1)
            #expect(await rpcCode { try await harness.client(service: "doctors").auth.setClinicAccess(request) } == .permissionDenied)
            #expect(await rpcCode { try await harness.anonymous.auth.setClinicAccess(request) } == .unauthenticated)
            let (root, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            #expect(await rpcCode { try await root.auth.setClinicAccess(request) } == .permissionDenied)
            var bad = request
            bad.clinicId = ""
            #expect(await rpcCode { try await harness.client(service: "clinics").auth.setClinicAccess(bad) } == .invalidArgument)
            bad = request
            bad.generation = -1
            #expect(await rpcCode { try await harness.client(service: "clinics").auth.setClinicAccess(bad) } == .invalidArgument)
        }
    }

    @Test("an account read back carries the same times as the create response")
    func timestampsMatchStorage() async throws {
        try await AuthHarness.with { harness in
            let (root, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            // 0.7 ms past a millisecond: rounded down in one place and to the nearest in another
            // they would differ.
            harness.clock.advance(by: 0.000_7)
            let created = try await root.auth.createAccount(Requests.create("new@clinic.example", roles: [.superAdmin]))
            let read = try await root.auth.account(created.id)
            #expect(created.createTime == read.createTime)
            #expect(created.updateTime == read.updateTime)
            #expect(created == read)
        }
    }
}

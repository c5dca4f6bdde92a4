@testable import AuthService
import ClinicAPI
import Foundation
import Platform
import RPCCore
import Testing

@Suite("Account management")
struct AccountTests {
    @Test func superAdminCreatesClinicAdminsWhoLogInWithTheirTenant() async throws {
        try await AuthHarness.with { harness in
            let (root, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            let created = try await root.auth.createAccount(Requests.create("Admin.A@clinic.example", roles: [.clinicAdmin], clinic: "clinic_a"))
            #expect(created.state == .active && created.clinicId == "clinic_a" && created.roles == [.clinicAdmin])
            #expect(created.email == "Admin.A@clinic.example" && created.name?.displayName == "New Account")
            #expect(!created.etag.isEmpty && created.createTime != nil)
            let (_, login) = try await harness.login("admin.a@clinic.example")
            #expect(try await harness.service.verifier.verify(login.tokens!.accessToken).tenant?.rawValue == "clinic_a")
        }
    }

    @Test func duplicateEmailIsAlreadyExists() async throws {
        try await AuthHarness.with { harness in
            let (root, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            _ = try await root.auth.createAccount(Requests.create("dup@clinic.example", roles: [.superAdmin]))
            let error = await rpcError { try await root.auth.createAccount(Requests.create("DUP@Clinic.Example", roles: [.superAdmin])) }
            #expect(error?.code == .alreadyExists && error?.message.hasPrefix("account.email") == true)
        }
    }

    @Test func semanticChecksAnswerInvalidArgumentNamingTheField() async throws {
        try await AuthHarness.with { harness in
            let (root, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            func field(_ request: Clinic_Auth_V1_CreateAccountRequest) async -> String? {
                let error = await rpcError { try await root.auth.createAccount(request) }
                guard error?.code == .invalidArgument else { return "code \(String(describing: error?.code))" }
                return error?.message.components(separatedBy: ":").first
            }
            #expect(await field(Requests.create("a@clinic.example", roles: [])) == "account.roles")
            #expect(await field(Requests.create("a@clinic.example", roles: [.service])) == "account.roles")
            #expect(await field(Requests.create("a@clinic.example", roles: [.clinicAdmin])) == "account.roles")  // No clinic.
            #expect(await field(Requests.create("a@clinic.example", roles: [.superAdmin], clinic: "clinic_a")) == "account.clinic_id")
            #expect(await field(Requests.create("a@clinic.example", roles: [.superAdmin, .clinicAdmin], clinic: "clinic_a")) == "account.roles")
            #expect(await field(Requests.create("", roles: [.superAdmin])) == "account.email")
            #expect(await field(Requests.create("a@clinic.example", roles: [.superAdmin], given: "", family: "")) == "account.name")
            #expect(await field(Requests.create("a@clinic.example", roles: [.superAdmin], password: "weak")) == "initial_password")
            #expect(await field(Requests.create("a@clinic.example", roles: [.superAdmin], password: "qwerty123456")) == "initial_password")
            #expect(await field(Requests.create("a@clinic.example", roles: [.superAdmin], requestID: "not-a-uuid")) == "request_id")
            var noAccount = Clinic_Auth_V1_CreateAccountRequest()
            noAccount.initialPassword = AuthHarness.password
            #expect(await field(noAccount) == "account")
        }
    }

    @Test func creationWithARequestIDIsIdempotent() async throws {
        try await AuthHarness.with { harness in
            let (root, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            let id = "0b8c2f3e-4a5d-4e6f-8a9b-0c1d2e3f4a5b"
            let first = try await root.auth.createAccount(Requests.create("once@clinic.example", roles: [.superAdmin], requestID: id))
            let again = try await root.auth.createAccount(Requests.create("once@clinic.example", roles: [.superAdmin], requestID: id))
            #expect(first.id == again.id)
        }
    }

    @Test func clinicAdminsManageTheirOwnClinicOnly() async throws {
        try await AuthHarness.with { harness in
            let (adminA, _) = try await harness.signedIn("admin.a@clinic.example", roles: [.clinicAdmin], clinic: "clinic_a")
            let doctorB = try await harness.seed("doc.b@clinic.example", roles: [.doctor], clinic: "clinic_b")
            let patient = try await harness.seed("patient@clinic.example", roles: [.patient])
            let root = try await harness.seed("root@clinic.example", roles: [.superAdmin])
            // Creating: in their own clinic (named or implied), never in another or above themselves.
            let doctorA = try await adminA.auth.createAccount(Requests.create("doc.a@clinic.example", roles: [.doctor]))
            #expect(doctorA.clinicId == "clinic_a")
            #expect(await rpcCode { try await adminA.auth.createAccount(Requests.create("x@clinic.example", roles: [.doctor], clinic: "clinic_b")) } == .permissionDenied)
            #expect(await rpcCode { try await adminA.auth.createAccount(Requests.create("y@clinic.example", roles: [.superAdmin])) } == .permissionDenied)
            #expect(await rpcCode { try await adminA.auth.createAccount(Requests.create("z@clinic.example", roles: [.patient])) } == .permissionDenied)
            // Reading and changing clinic B's, the patient's and the super admin's accounts: not found.
            for other in [doctorB, patient, root] {
                #expect(await rpcCode { try await adminA.auth.account(other.id) } == .notFound)
                var update = Clinic_Auth_V1_UpdateAccountRequest()
                update.accountId = other.id
                update.email = "stolen@clinic.example"
                #expect(await rpcCode { try await adminA.auth.updateAccount(update) } == .notFound)
                #expect(await rpcCode { try await adminA.auth.deleteAccount(Requests.delete(other.id)) } == .notFound)
                #expect(await rpcCode { try await adminA.auth.setAccountRoles(Requests.setRoles(other.id, [.clinicAdmin])) } == .notFound)
                var undelete = Clinic_Auth_V1_UndeleteAccountRequest()
                undelete.accountId = other.id
                #expect(await rpcCode { try await adminA.auth.undeleteAccount(undelete) } == .notFound)
            }
            // Listing: only clinic A; asking for B is refused.
            let listed = try await adminA.auth.listAccounts(Clinic_Auth_V1_ListAccountsRequest())
            #expect(Set(listed.accounts.map(\.email)) == ["admin.a@clinic.example", "doc.a@clinic.example"])
            var listB = Clinic_Auth_V1_ListAccountsRequest()
            listB.clinicId = "clinic_b"
            #expect(await rpcCode { try await adminA.auth.listAccounts(listB) } == .permissionDenied)
            // Clinic B's doctor is untouched.
            let (_, login) = try await harness.login("doc.b@clinic.example")
            #expect(login.account?.email == "doc.b@clinic.example" && login.account?.roles == [.doctor])
            // Within their clinic they do manage.
            _ = try await adminA.auth.setAccountRoles(Requests.setRoles(doctorA.id, [.doctor, .clinicAdmin]))
            _ = try await adminA.auth.deleteAccount(Requests.delete(doctorA.id))
        }
    }

    @Test func doctorsAndPatientsSeeOnlyThemselves() async throws {
        try await AuthHarness.with { harness in
            let (doctor, doctorAccount) = try await harness.signedIn("doc@clinic.example", roles: [.doctor], clinic: "clinic_a")
            let colleague = try await harness.seed("colleague@clinic.example", roles: [.doctor], clinic: "clinic_a")
            #expect(try await doctor.auth.account("me").id == doctorAccount.id)
            #expect(try await doctor.auth.account(doctorAccount.id).id == doctorAccount.id)
            #expect(await rpcCode { try await doctor.auth.account(colleague.id) } == .notFound)
            // Creating is not a doctor's right at all (the policy refuses before the handler).
            #expect(await rpcCode { try await doctor.auth.createAccount(Requests.create("x@clinic.example", roles: [.doctor])) } == .permissionDenied)
        }
    }

    @Test func servicesCreateDoctorAndPatientAccountsByCertificate() async throws {
        try await AuthHarness.with { harness in
            let doctors = harness.client(asService: true)
            let patient = try await harness.client(service: "patients").auth.createAccount(
                Requests.create("new.patient@clinic.example", roles: [.patient]))
            #expect(patient.clinicId.isEmpty)
            let doctor = try await doctors.auth.createAccount(Requests.create("new.doc@clinic.example", roles: [.doctor], clinic: "clinic_b"))
            #expect(doctor.clinicId == "clinic_b")
            #expect(await rpcCode { try await doctors.auth.createAccount(Requests.create("x@clinic.example", roles: [.superAdmin])) } == .permissionDenied)
            #expect(try await doctors.auth.account(doctor.id).email == "new.doc@clinic.example")
            // The same call from outside, without a token, is anonymous.
            #expect(await rpcCode { try await harness.anonymous.auth.createAccount(Requests.create("y@clinic.example", roles: [.patient])) } == .unauthenticated)
        }
    }

    @Test func updateWithEtagsAndEmailChanges() async throws {
        try await AuthHarness.with { harness in
            let (root, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            let account = try await harness.seed("doc@clinic.example", roles: [.doctor], clinic: "clinic_a")
            try await harness.seed("taken@clinic.example", roles: [.patient])
            var update = Clinic_Auth_V1_UpdateAccountRequest()
            update.accountId = account.id
            update.email = "Taken@clinic.example"
            #expect(await rpcCode { try await root.auth.updateAccount(update) } == .alreadyExists)
            update.email = "renamed@clinic.example"
            update.etag = account.etag
            let updated = try await root.auth.updateAccount(update)
            #expect(updated.email == "renamed@clinic.example" && !updated.emailVerified && updated.etag != account.etag)
            // The old etag is stale now.
            update.email = nil
            var name = Clinic_Common_V1_PersonName()
            name.givenName = "Grace"
            update.name = name
            #expect(await rpcCode { try await root.auth.updateAccount(update) } == .aborted)
            update.etag = updated.etag
            #expect(try await root.auth.updateAccount(update).name?.givenName == "Grace")
            _ = try await harness.login("renamed@clinic.example")
            var empty = Clinic_Auth_V1_UpdateAccountRequest()
            empty.accountId = account.id
            empty.email = ""
            #expect(await rpcCode { try await root.auth.updateAccount(empty) } == .invalidArgument)
        }
    }

    @Test func deleteAndUndelete() async throws {
        try await AuthHarness.with { harness in
            let (root, rootAccount) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            // The last super admin stays.
            let last = await rpcError { try await root.auth.deleteAccount(Requests.delete(rootAccount.id)) }
            #expect(last?.code == .failedPrecondition)
            let doctor = try await harness.seed("doc@clinic.example", roles: [.doctor], clinic: "clinic_a")
            let (_, login) = try await harness.login("doc@clinic.example")
            let deleted = try await root.auth.deleteAccount(Requests.delete(doctor.id))
            #expect(deleted.state == .disabled && deleted.deleteTime != nil)
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(login.tokens!.refreshToken)) } == .unauthenticated)
            var undelete = Clinic_Auth_V1_UndeleteAccountRequest()
            undelete.accountId = doctor.id
            let restored = try await root.auth.undeleteAccount(undelete)
            #expect(restored.state == .active && restored.deleteTime == nil)
            #expect(await rpcCode { try await root.auth.undeleteAccount(undelete) } == .failedPrecondition)
            _ = try await harness.login("doc@clinic.example")
            // With a second super admin the first may go.
            let second = try await root.auth.createAccount(Requests.create("root2@clinic.example", roles: [.superAdmin]))
            _ = try await root.auth.deleteAccount(Requests.delete(rootAccount.id))
            #expect(await rpcCode { try await harness.login("root@clinic.example") } == .unauthenticated)
            _ = second
        }
    }

    @Test func roleChangesFollowTheRules() async throws {
        try await AuthHarness.with { harness in
            let (root, rootAccount) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            let (adminA, adminAccount) = try await harness.signedIn("admin.a@clinic.example", roles: [.clinicAdmin], clinic: "clinic_a")
            let doctor = try await harness.seed("doc@clinic.example", roles: [.doctor], clinic: "clinic_a")
            #expect(await rpcCode { try await adminA.auth.setAccountRoles(Requests.setRoles(doctor.id, [.superAdmin])) } == .permissionDenied)
            #expect(await rpcCode { try await adminA.auth.setAccountRoles(Requests.setRoles(adminAccount.id, [.doctor])) } == .failedPrecondition)
            #expect(await rpcCode { try await root.auth.setAccountRoles(Requests.setRoles(rootAccount.id, [.clinicAdmin])) } == .failedPrecondition)
            #expect(await rpcCode { try await root.auth.setAccountRoles(Requests.setRoles(doctor.id, [.service])) } == .invalidArgument)
            #expect(await rpcCode { try await root.auth.setAccountRoles(Requests.setRoles(doctor.id, [.superAdmin])) } == .invalidArgument)  // Has a clinic.
            #expect(await rpcCode { try await root.auth.setAccountRoles(Requests.setRoles(doctor.id, [.doctor], etag: "v999")) } == .aborted)
            let changed = try await adminA.auth.setAccountRoles(Requests.setRoles(doctor.id, [.doctor, .clinicAdmin]))
            #expect(Set(changed.roles) == [.doctor, .clinicAdmin])
        }
    }

    @Test func listingPagesFiltersAndSearches() async throws {
        try await AuthHarness.with { harness in
            let (root, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            for (index, name) in ["Zoë", "Émile", "Ana", "Bob", "Chloé"].enumerated() {
                try await harness.seed("user\(index)@clinic.example", roles: [.doctor], clinic: "clinic_a", given: name)
            }
            try await harness.seed("other@clinic.example", roles: [.doctor], clinic: "clinic_b")
            var request = Clinic_Auth_V1_ListAccountsRequest()
            request.clinicId = "clinic_a"
            request.pageSize = 2
            var emails: [String] = []
            var pages = 0
            repeat {
                let page = try await root.auth.listAccounts(request)
                emails += page.accounts.map(\.email)
                request.pageToken = page.nextPageToken
                pages += 1
            } while !request.pageToken.isEmpty && pages < 10
            #expect(pages == 3)
            #expect(emails == (0..<5).map { "user\($0)@clinic.example" })
            // A page token with other filters is refused.
            request.pageToken = try await root.auth.listAccounts(request).nextPageToken
            var first = request
            first.pageToken = ""
            let token = try await root.auth.listAccounts(first).nextPageToken
            var changed = first
            changed.pageToken = token
            changed.clinicId = ""
            let error = await rpcError { try await root.auth.listAccounts(changed) }
            #expect(error?.code == .invalidArgument && error?.message.hasPrefix("page_token") == true)
            var garbage = first
            garbage.pageToken = "!!!"
            #expect(await rpcCode { try await root.auth.listAccounts(garbage) } == .invalidArgument)
            // Accent- and case-insensitive prefix search on names and e-mails.
            var search = Clinic_Auth_V1_ListAccountsRequest()
            search.query = "emi"
            #expect(try await root.auth.listAccounts(search).accounts.map(\.email) == ["user1@clinic.example"])
            search.query = "CHLOE"
            #expect(try await root.auth.listAccounts(search).accounts.map(\.email) == ["user4@clinic.example"])
            search.query = "%"
            #expect(try await root.auth.listAccounts(search).accounts.isEmpty)
            var byRole = Clinic_Auth_V1_ListAccountsRequest()
            byRole.role = .superAdmin
            #expect(try await root.auth.listAccounts(byRole).accounts.map(\.email) == ["root@clinic.example"])
            var tooBig = Clinic_Auth_V1_ListAccountsRequest()
            tooBig.pageSize = 501
            #expect(await rpcCode { try await root.auth.listAccounts(tooBig) } == .invalidArgument)
        }
    }
}

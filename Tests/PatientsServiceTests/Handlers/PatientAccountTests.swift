import ClinicAPI
import Foundation
@testable import PatientsService
import RPCCore
import Testing

@Suite("Patient accounts and clinic links")
struct PatientAccountTests {
    @Test("a person signs up as a patient (through the auth service), logs in and reads their profile")
    func signUp() async throws {
        try await withHarness { harness in
            let (account, options) = try await harness.signUp("paul@example.org")
            #expect(account.hasPrefix("acc"))
            let profile = try await harness.patients.getPatientProfile(Clinic_Patients_V1_GetPatientProfileRequest(), options: options)
            #expect(profile.accountId == account)
            #expect(profile.contact?.email == "paul@example.org")
            #expect(profile.name?.displayName == "Paul Martin")

            var update = Clinic_Patients_V1_UpdatePatientProfileRequest()
            update.phone = "+33700000001"
            var address = Clinic_Common_V1_PostalAddress()
            address.locality = "Lyon"
            update.address = address
            let updated = try await harness.patients.updatePatientProfile(update, options: options)
            #expect(updated.contact?.phone == "+33700000001")
            #expect(updated.address?.locality == "Lyon")
            let events = try await harness.patientsService.pendingEvents(clinicID: nil)
            #expect(events.map(\.eventType) == ["clinic.events.v1.PatientProfileChanged"])

            update = Clinic_Patients_V1_UpdatePatientProfileRequest()
            update.birthDate = Fixtures.date(2099, 1, 1)
            await expectError(.invalidArgument, field: "birth_date") { _ = try await harness.patients.updatePatientProfile(update, options: options) }
            await expectError(.permissionDenied) {
                _ = try await harness.patients.getPatientProfile(.init(), options: try harness.admin("clinic_x"))
            }
        }
    }

    @Test("sign-up refuses a taken e-mail, a weak password and missing data")
    func signUpValidation() async throws {
        try await withHarness { harness in
            _ = try await harness.signUp("taken@example.org")
            func signUp(_ change: (inout Clinic_Patients_V1_SignUpPatientRequest) -> Void) async throws {
                var request = Clinic_Patients_V1_SignUpPatientRequest()
                request.email = "new@example.org"
                request.password = Fixtures.password
                request.name = Fixtures.name("Léa", "Roux")
                request.birthDate = Fixtures.date(1991, 7, 8)
                request.sex = .female
                request.acceptedTermsVersion = "2025-01"
                change(&request)
                _ = try await harness.patients.signUpPatient(request)
            }
            await expectError(.alreadyExists, field: "email") { try await signUp { $0.email = "Taken@Example.org" } }
            await expectError(.invalidArgument, field: "password") { try await signUp { $0.password = "password1234" } }
            await expectError(.invalidArgument, field: "password") { try await signUp { $0.password = "short" } }
            await expectError(.invalidArgument, field: "email") { try await signUp { $0.email = "not an e-mail" } }
            await expectError(.invalidArgument, field: "name") { try await signUp { $0.name = Fixtures.name("", " ") } }
            await expectError(.invalidArgument, field: "birth_date") { try await signUp { $0.birthDate = Fixtures.date(1991, 4, 31) } }
            await expectError(.invalidArgument, field: "sex") { try await signUp { $0.sex = .unspecified } }
            await expectError(.invalidArgument, field: "accepted_terms_version") { try await signUp { $0.acceptedTermsVersion = "" } }
            // None of these made an account.
            await expectError(.unauthenticated) { _ = try await harness.login("new@example.org") }

            let key = UUID().uuidString.lowercased()
            try await signUp { $0.requestId = key }
            try await signUp { $0.requestId = key }  // A retry returns the first result.
            // The same key with another e-mail is another person's sign-up, never the first account.
            try await signUp { $0.requestId = key; $0.email = "other@example.org" }
            let first = try await harness.patients.getPatientProfile(.init(), options: try await harness.login("new@example.org"))
            let second = try await harness.patients.getPatientProfile(.init(), options: try await harness.login("other@example.org"))
            #expect(first.accountId != second.accountId)
            #expect(second.contact?.email == "other@example.org")
        }
    }

    @Test("linking a patient to a clinic creates their patient there once, and lists the link")
    func linkToClinic() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let (account, options) = try await harness.signUp("lina@example.org")
            var link = Clinic_Patients_V1_LinkPatientToClinicRequest()
            link.clinicId = clinic
            let first = try await harness.patients.linkPatientToClinic(link, options: options)
            #expect(first.clinicId == clinic)
            #expect(first.clinicDisplayName == "Clinique Santé")
            let again = try await harness.patients.linkPatientToClinic(link, options: options)
            #expect(again.patientId == first.patientId)

            var get = Clinic_Patients_V1_GetPatientRequest()
            get.patientId = first.patientId
            get.clinicId = clinic
            let own = try await harness.patients.getPatient(get, options: options)
            #expect(own.accountId == account)
            #expect(own.name?.familyName == "Martin")

            let listed = try await harness.patients.listPatientClinics(.init(), options: options)
            #expect(listed.links.map(\.patientId) == [first.patientId])
            var asService = Clinic_Patients_V1_ListPatientClinicsRequest()
            await expectError(.invalidArgument, field: "account_id") { _ = try await harness.patientsAsService.listPatientClinics(asService) }
            asService.accountId = account
            #expect(try await harness.patientsAsService.listPatientClinics(asService).links.count == 1)
            await expectError(.permissionDenied) {
                var other = Clinic_Patients_V1_ListPatientClinicsRequest()
                other.accountId = "acc_someone_else"
                _ = try await harness.patients.listPatientClinics(other, options: options)
            }

            link.clinicId = "no_such_clinic"
            await expectError(.notFound) { _ = try await harness.patients.linkPatientToClinic(link, options: options) }
            let events = try await harness.patientsService.pendingEvents(clinicID: clinic)
            #expect(events.map(\.eventType) == ["clinic.events.v1.PatientRegistered"])
        }
    }

    @Test("a patient may change only their own contact and address, and sees only their own record")
    func patientSelfService() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let lina = try await harness.linkedPatient("lina@example.org", to: clinic)
            let other = try #require(try await harness.register("Zoé", "Blanc", in: clinic).patient)

            var update = Clinic_Patients_V1_UpdatePatientRequest()
            update.patientId = lina.patientID
            update.clinicId = clinic
            var contact = Clinic_Common_V1_ContactInfo()
            contact.phone = "+33611111111"
            update.contact = contact
            #expect(try await harness.patients.updatePatient(update, options: lina.options).contact?.phone == "+33611111111")
            update.name = Fixtures.name("New", "Name")
            await expectError(.permissionDenied) { _ = try await harness.patients.updatePatient(update, options: lina.options) }

            var get = Clinic_Patients_V1_GetPatientRequest()
            get.patientId = other.id
            get.clinicId = clinic
            await expectError(.notFound) { _ = try await harness.patients.getPatient(get, options: lina.options) }
            var search = Clinic_Patients_V1_SearchPatientsRequest()
            search.query = "blanc"
            await expectError(.permissionDenied) { _ = try await harness.patients.searchPatients(search, options: lina.options) }
        }
    }

    @Test("the clinic admin connects a signed-up account to a patient staff registered")
    func linkAccount() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let admin = try harness.admin(clinic)
            let registered = try #require(try await harness.register("Paul", "Martin", born: (1990, 2, 3), in: clinic).patient)
            let (account, options) = try await harness.signUp("paul@example.org")

            var request = Clinic_Patients_V1_LinkPatientAccountRequest()
            request.patientId = registered.id
            request.accountEmail = "nobody@example.org"
            await expectError(.notFound, field: "account_email") { _ = try await harness.patients.linkPatientAccount(request, options: admin) }
            request.accountEmail = "PAUL@example.org"
            request.etag = "99"
            await expectError(.aborted, field: "etag") { _ = try await harness.patients.linkPatientAccount(request, options: admin) }
            request.etag = registered.etag
            let linked = try await harness.patients.linkPatientAccount(request, options: admin)
            #expect(linked.accountId == account)
            // The patient now reaches the clinic and their record there.
            let links = try await harness.patients.listPatientClinics(.init(), options: options)
            #expect(links.links.map(\.patientId) == [registered.id])
            var link = Clinic_Patients_V1_LinkPatientToClinicRequest()
            link.clinicId = clinic
            #expect(try await harness.patients.linkPatientToClinic(link, options: options).patientId == registered.id)

            let another = try #require(try await harness.register("Paul", "Martin", in: clinic).patient)
            request.patientId = another.id
            request.etag = ""
            await expectError(.failedPrecondition, field: "account_email") {
                _ = try await harness.patients.linkPatientAccount(request, options: admin)
            }
            let (_, _) = try await harness.signUp("second@example.org")
            request.patientId = registered.id
            request.accountEmail = "second@example.org"
            await expectError(.failedPrecondition, field: "patient_id") {
                _ = try await harness.patients.linkPatientAccount(request, options: admin)
            }
        }
    }
}

import ClinicAPI
import Foundation
@testable import PatientsService
import RPCCore
import Testing

@Suite("Patient registry")
struct PatientRegistryTests {
    @Test("a clinic admin registers a patient, and likely duplicates are reported")
    func registerWithDuplicates() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let first = try await harness.register("Marie", "Dupont", nationalID: "2 80 05 69 123 456", in: clinic)
            let patient = try #require(first.patient)
            #expect(patient.id.hasPrefix("pat_"))
            #expect(patient.state == .active)
            #expect(patient.name?.displayName == "Marie Dupont")
            #expect(patient.etag == "1")
            #expect(first.likelyDuplicates.isEmpty)

            // Same name (other case and accents) and birth date, other national id.
            let byName = try await harness.register("MARIE", "Dùpont", nationalID: "1 11", in: clinic)
            #expect(byName.likelyDuplicates.map { $0.patient?.id } == [patient.id])
            #expect(byName.likelyDuplicates.first?.reasons == [.nameAndBirthDate])

            // Same national id written differently, other name: both earlier patients may match; the
            // one matching on both reasons comes first.
            let both = try await harness.register("Marie", "Dupont", nationalID: "280056912-3456", in: clinic)
            #expect(both.likelyDuplicates.first?.patient?.id == patient.id)
            #expect(both.likelyDuplicates.first?.reasons == [.nationalId, .nameAndBirthDate])
            #expect(both.likelyDuplicates.count == 2)
        }
    }

    @Test("validate_only reports duplicates and creates nothing; a request id makes a retry return the first result")
    func validateOnlyAndRetry() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            var request = Clinic_Patients_V1_RegisterPatientRequest()
            request.patient = Fixtures.patient("Jean", "Valjean")
            request.validateOnly = true
            let checked = try await harness.patients.registerPatient(request, options: try harness.admin(clinic))
            #expect(checked.patient == nil)
            var search = Clinic_Patients_V1_SearchPatientsRequest()
            search.query = "valjean"
            #expect(try await harness.patients.searchPatients(search, options: try harness.admin(clinic)).patients.isEmpty)

            request.validateOnly = false
            request.requestId = UUID().uuidString.lowercased()
            let created = try await harness.patients.registerPatient(request, options: try harness.admin(clinic))
            let retried = try await harness.patients.registerPatient(request, options: try harness.admin(clinic))
            #expect(retried.patient?.id == created.patient?.id)
            #expect(try await harness.patients.searchPatients(search, options: try harness.admin(clinic)).patients.count == 1)
        }
    }

    @Test("registration refuses bad patient data, naming the field, and stores nothing")
    func registrationValidation() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let admin = try harness.admin(clinic)
            func register(_ change: (inout Clinic_Patients_V1_Patient) -> Void) async throws {
                var patient = Fixtures.patient("Ana", "Lopez")
                change(&patient)
                var request = Clinic_Patients_V1_RegisterPatientRequest()
                request.patient = patient
                _ = try await harness.patients.registerPatient(request, options: admin)
            }
            await expectError(.invalidArgument, field: "patient") {
                _ = try await harness.patients.registerPatient(Clinic_Patients_V1_RegisterPatientRequest(), options: admin)
            }
            await expectError(.invalidArgument, field: "patient.name") { try await register { $0.name = Fixtures.name(" ", "") } }
            await expectError(.invalidArgument, field: "patient.name") { try await register { $0.name = nil } }
            await expectError(.invalidArgument, field: "patient.birth_date") {
                try await register { $0.birthDate = Fixtures.date(1990, 2, 30) }
            }
            await expectError(.invalidArgument, field: "patient.birth_date") {
                try await register { $0.birthDate = Fixtures.date(2030, 1, 1) }
            }
            await expectError(.invalidArgument, field: "patient.birth_date") { try await register { $0.birthDate = nil } }
            await expectError(.invalidArgument, field: "patient.sex") { try await register { $0.sex = .unspecified } }
            await expectError(.invalidArgument, field: "patient.sex") { try await register { $0.sex = .UNRECOGNIZED(9) } }
            await expectError(.invalidArgument, field: "patient.national_id.value") {
                try await register {
                    var id = Clinic_Patients_V1_NationalId()
                    id.value = " - "
                    id.regionCode = "FR"
                    $0.nationalId = id
                }
            }
            await expectError(.invalidArgument, field: "patient.contact.phone") {
                try await register { $0.contact?.phone = "0612" }
            }
            await expectError(.invalidArgument, field: "request_id") {
                var request = Clinic_Patients_V1_RegisterPatientRequest()
                request.patient = Fixtures.patient("Ana", "Lopez")
                request.requestId = "not-a-uuid"
                _ = try await harness.patients.registerPatient(request, options: admin)
            }
            var search = Clinic_Patients_V1_SearchPatientsRequest()
            search.query = "lopez"
            #expect(try await harness.patients.searchPatients(search, options: admin).patients.isEmpty)
        }
    }

    @Test("once its clinic is deleted, a doctor's unexpired token reads no patient; undeleted, it does again")
    func deletedClinicEndsStaffAccess() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let patient = try #require(try await harness.register(in: clinic).patient)
            let doctor = try harness.doctor(clinic)
            var get = Clinic_Patients_V1_GetPatientRequest()
            get.patientId = patient.id
            #expect(try await harness.patients.getPatient(get, options: doctor).id == patient.id)

            var delete = Clinic_Clinics_V1_DeleteClinicRequest()
            delete.clinicId = clinic
            _ = try await harness.clinics.deleteClinic(delete, options: try harness.superAdmin)
            await expectError(.unauthenticated) { _ = try await harness.patients.getPatient(get, options: doctor) }
            await expectError(.unauthenticated) { _ = try await harness.register(in: clinic) }

            var undelete = Clinic_Clinics_V1_UndeleteClinicRequest()
            undelete.clinicId = clinic
            _ = try await harness.clinics.undeleteClinic(undelete, options: try harness.superAdmin)
            #expect(try await harness.patients.getPatient(get, options: doctor).id == patient.id)
        }
    }

    @Test("staff get, update (with etags) and archive patients; archived patients leave searches")
    func updateAndArchive() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let admin = try harness.admin(clinic)
            let patient = try #require(try await harness.register(in: clinic).patient)

            var get = Clinic_Patients_V1_GetPatientRequest()
            get.patientId = patient.id
            #expect(try await harness.patients.getPatient(get, options: try harness.doctor(clinic)) == patient)

            var update = Clinic_Patients_V1_UpdatePatientRequest()
            update.patientId = patient.id
            update.etag = patient.etag
            update.name = Fixtures.name("Marie-Claire", "Dupont")
            update.sex = .other
            let updated = try await harness.patients.updatePatient(update, options: admin)
            #expect(updated.name?.givenName == "Marie-Claire")
            #expect(updated.sex == .other)
            #expect(updated.etag == "2")
            await expectError(.aborted, field: "etag") { _ = try await harness.patients.updatePatient(update, options: admin) }
            update.etag = ""
            update.birthDate = Fixtures.date(2001, 13, 1)
            await expectError(.invalidArgument, field: "birth_date.month") { _ = try await harness.patients.updatePatient(update, options: admin) }
            update.birthDate = Fixtures.date(2001, 2, 29)
            await expectError(.invalidArgument, field: "birth_date") { _ = try await harness.patients.updatePatient(update, options: admin) }
            #expect(try await harness.patients.getPatient(get, options: admin) == updated)

            var delete = Clinic_Patients_V1_DeletePatientRequest()
            delete.patientId = patient.id
            await expectError(.permissionDenied) { _ = try await harness.patients.deletePatient(delete, options: try harness.doctor(clinic)) }
            let archived = try await harness.patients.deletePatient(delete, options: admin)
            #expect(archived.state == .archived)
            #expect(archived.deleteTime != nil)
            #expect(try await harness.patients.deletePatient(delete, options: admin) == archived)

            var search = Clinic_Patients_V1_SearchPatientsRequest()
            search.query = "dupont"
            #expect(try await harness.patients.searchPatients(search, options: admin).patients.isEmpty)
            search.showArchived = true
            #expect(try await harness.patients.searchPatients(search, options: admin).patients.map(\.id) == [patient.id])
        }
    }

    @Test("search matches accent-insensitive name prefixes, national ids, birth dates and phones, in name order, by pages")
    func search() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let admin = try harness.admin(clinic)
            let marie = try #require(try await harness.register("Marie", "Dupont", nationalID: "123 45", in: clinic).patient)
            let eloise = try #require(try await harness.register("Éloïse", "Durand", born: (1975, 1, 2), in: clinic).patient)
            let paul = try #require(try await harness.register("Paul", "Dupuis", born: (1960, 3, 4), in: clinic).patient)

            func search(_ change: (inout Clinic_Patients_V1_SearchPatientsRequest) -> Void) async throws -> [String] {
                var request = Clinic_Patients_V1_SearchPatientsRequest()
                change(&request)
                return try await harness.patients.searchPatients(request, options: admin).patients.map(\.id)
            }
            #expect(try await search { $0.query = "dup mar" } == [marie.id])
            #expect(try await search { $0.query = "DUP" } == [marie.id, paul.id])
            #expect(try await search { $0.query = "eloise" } == [eloise.id])
            #expect(try await search { $0.query = "%" } == [])
            #expect(try await search { $0.nationalId = "12345" } == [marie.id])
            #expect(try await search { $0.birthDate = Fixtures.date(1960, 3, 4) } == [paul.id])
            #expect(try await search { $0.phone = "+33612345678" } == [marie.id, paul.id, eloise.id])

            var request = Clinic_Patients_V1_SearchPatientsRequest()
            request.phone = "+33612345678"
            request.pageSize = 2
            let first = try await harness.patients.searchPatients(request, options: admin)
            #expect(first.patients.map(\.id) == [marie.id, paul.id])
            request.pageToken = first.nextPageToken
            let second = try await harness.patients.searchPatients(request, options: admin)
            #expect(second.patients.map(\.id) == [eloise.id])
            #expect(second.nextPageToken.isEmpty)
            request.phone = "+33600000000"
            await expectError(.invalidArgument, field: "page_token") { _ = try await harness.patients.searchPatients(request, options: admin) }

            await expectError(.invalidArgument, field: "query") {
                _ = try await harness.patients.searchPatients(Clinic_Patients_V1_SearchPatientsRequest(), options: admin)
            }
        }
    }

    @Test("another clinic's staff and the wrong roles are refused, and the patient is unchanged")
    func isolation() async throws {
        try await withHarness { harness in
            let clinicA = try await harness.createClinic("Clinique A")
            let clinicB = try await harness.createClinic("Clinique B", locality: "Paris")
            let patient = try #require(try await harness.register(in: clinicA).patient)
            let otherAdmin = try harness.admin(clinicB)

            var get = Clinic_Patients_V1_GetPatientRequest()
            get.patientId = patient.id
            await expectError(.notFound) { _ = try await harness.patients.getPatient(get, options: otherAdmin) }
            get.clinicId = clinicA
            await expectError(.permissionDenied) { _ = try await harness.patients.getPatient(get, options: otherAdmin) }

            var update = Clinic_Patients_V1_UpdatePatientRequest()
            update.patientId = patient.id
            update.name = Fixtures.name("Changed", "Name")
            await expectError(.notFound) { _ = try await harness.patients.updatePatient(update, options: otherAdmin) }
            var delete = Clinic_Patients_V1_DeletePatientRequest()
            delete.patientId = patient.id
            await expectError(.notFound) { _ = try await harness.patients.deletePatient(delete, options: otherAdmin) }

            var register = Clinic_Patients_V1_RegisterPatientRequest()
            register.patient = Fixtures.patient("X", "Y")
            let stranger = try harness.options([.patient], account: "acc_stranger")
            await expectError(.permissionDenied) { _ = try await harness.patients.registerPatient(register, options: stranger) }
            await expectError(.unauthenticated) { _ = try await harness.patients.registerPatient(register) }
            // A patient naming a clinic they are not linked to.
            await expectError(.permissionDenied) { _ = try await harness.patients.getPatient(get, options: stranger) }

            get.clinicId = ""
            #expect(try await harness.patients.getPatient(get, options: try harness.admin(clinicA)) == patient)
        }
    }

    @Test("services read a clinic's patients by naming the clinic")
    func serviceReads() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let patient = try #require(try await harness.register(in: clinic).patient)
            var get = Clinic_Patients_V1_GetPatientRequest()
            get.patientId = patient.id
            await expectError(.invalidArgument, field: "clinic_id") { _ = try await harness.patientsAsService.getPatient(get) }
            get.clinicId = clinic
            #expect(try await harness.patientsAsService.getPatient(get) == patient)
            get.clinicId = "no_such_clinic"
            await expectError(.notFound) { _ = try await harness.patientsAsService.getPatient(get) }
        }
    }
}

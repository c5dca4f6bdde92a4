import ClinicAPI
import Foundation
@testable import PatientsService
import RPCCore
import Testing
import WellKnownTypes

/// Builders of record requests.
enum RecordFixtures {
    static func allergy(_ substance: String) -> Clinic_Patients_V1_RecordEntry {
        var allergy = Clinic_Patients_V1_Allergy()
        allergy.substance = substance
        allergy.criticality = .high
        var entry = Clinic_Patients_V1_RecordEntry()
        entry.content = .allergy(allergy)
        return entry
    }

    static func medication(_ name: String) -> Clinic_Patients_V1_RecordEntry {
        var medication = Clinic_Patients_V1_Medication()
        medication.name = name
        medication.dosageText = "1 tablet twice a day"
        var entry = Clinic_Patients_V1_RecordEntry()
        entry.content = .medication(medication)
        return entry
    }

    static func vitals(at seconds: Int64, systolic: Int32? = 120, diastolic: Int32? = 80) -> Clinic_Patients_V1_RecordEntry {
        var vitals = Clinic_Patients_V1_VitalSigns()
        var time = Google_Protobuf_Timestamp()
        time.seconds = seconds
        vitals.measureTime = time
        vitals.systolicMmhg = systolic
        vitals.diastolicMmhg = diastolic
        var entry = Clinic_Patients_V1_RecordEntry()
        entry.content = .vitalSigns(vitals)
        return entry
    }
}

extension PatientsHarness {
    /// Creates the record of `patientID` as the clinic's doctor.
    @discardableResult
    func createRecord(_ patientID: String, in clinicID: String) async throws -> Clinic_Patients_V1_MedicalRecord {
        var request = Clinic_Patients_V1_CreateMedicalRecordRequest()
        request.patientId = patientID
        var record = Clinic_Patients_V1_MedicalRecord()
        record.bloodGroup = "O+"
        request.record = record
        return try await recordsClient.createMedicalRecord(request, options: try doctor(clinicID))
    }

    /// Adds `entry` to `patientID`'s record as the clinic's doctor.
    func add(_ entry: Clinic_Patients_V1_RecordEntry, to patientID: String, in clinicID: String) async throws -> Clinic_Patients_V1_RecordEntry {
        var request = Clinic_Patients_V1_AddRecordEntryRequest()
        request.patientId = patientID
        request.entry = entry
        return try await recordsClient.addRecordEntry(request, options: try doctor(clinicID))
    }
}

@Suite("Medical records")
struct MedicalRecordTests {
    @Test("a doctor creates a record, adds entries, and the full view shows the active ones")
    func createAndRead() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let patient = try #require(try await harness.register(in: clinic).patient)
            let record = try await harness.createRecord(patient.id, in: clinic)
            #expect(record.patientId == patient.id)
            #expect(record.bloodGroup == "O+")
            #expect(record.creator?.role == .doctor)
            await expectError(.alreadyExists, field: "patient_id") { try await harness.createRecord(patient.id, in: clinic) }

            let penicillin = try await harness.add(RecordFixtures.allergy("Penicillin"), to: patient.id, in: clinic)
            #expect(penicillin.status == .active)
            #expect(penicillin.version == 1)
            let metformin = try await harness.add(RecordFixtures.medication("Metformin 500 mg"), to: patient.id, in: clinic)
            let early = try await harness.add(RecordFixtures.vitals(at: 1_742_000_000), to: patient.id, in: clinic)
            let late = try await harness.add(RecordFixtures.vitals(at: 1_742_400_000, systolic: 130), to: patient.id, in: clinic)
            #expect(early.id != late.id)

            var get = Clinic_Patients_V1_GetMedicalRecordRequest()
            get.patientId = patient.id
            let full = try await harness.recordsClient.getMedicalRecord(get, options: try harness.admin(clinic))
            #expect(full.allergies.map(\.id) == [penicillin.id])
            #expect(full.medications.map(\.id) == [metformin.id])
            #expect(full.latestVitalSigns?.id == late.id)
            get.view = .basic
            let basic = try await harness.recordsClient.getMedicalRecord(get, options: try harness.doctor(clinic))
            #expect(basic.allergies.isEmpty && basic.latestVitalSigns == nil && basic.bloodGroup == "O+")

            var update = Clinic_Patients_V1_UpdateMedicalRecordRequest()
            update.patientId = patient.id
            update.summary = "Type 2 diabetes, well controlled."
            update.etag = record.etag
            let updated = try await harness.recordsClient.updateMedicalRecord(update, options: try harness.doctor(clinic))
            #expect(updated.summary == "Type 2 diabetes, well controlled.")
            await expectError(.aborted, field: "etag") {
                _ = try await harness.recordsClient.updateMedicalRecord(update, options: try harness.doctor(clinic))
            }
        }
    }

    @Test("entries change by versions, are retracted rather than deleted, and the history keeps every version")
    func versionsAndHistory() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let patient = try #require(try await harness.register(in: clinic).patient)
            try await harness.createRecord(patient.id, in: clinic)
            let allergy = try await harness.add(RecordFixtures.allergy("Penicilin"), to: patient.id, in: clinic)
            let doctor = try harness.doctor(clinic)

            var update = Clinic_Patients_V1_UpdateRecordEntryRequest()
            update.patientId = patient.id
            update.entryId = allergy.id
            update.entry = RecordFixtures.allergy("Penicillin")
            update.etag = allergy.etag
            let corrected = try await harness.recordsClient.updateRecordEntry(update, options: doctor)
            #expect(corrected.version == 2)
            await expectError(.aborted, field: "etag") { _ = try await harness.recordsClient.updateRecordEntry(update, options: doctor) }
            update.etag = ""
            update.entry = RecordFixtures.medication("Aspirin")
            await expectError(.invalidArgument, field: "entry") { _ = try await harness.recordsClient.updateRecordEntry(update, options: doctor) }
            update.entry = RecordFixtures.allergy("Penicillin")
            update.entry?.status = .enteredInError
            await expectError(.invalidArgument, field: "entry.status") { _ = try await harness.recordsClient.updateRecordEntry(update, options: doctor) }

            var retract = Clinic_Patients_V1_RetractRecordEntryRequest()
            retract.patientId = patient.id
            retract.entryId = allergy.id
            retract.reason = "   "
            await expectError(.invalidArgument, field: "reason") { _ = try await harness.recordsClient.retractRecordEntry(retract, options: doctor) }
            retract.reason = "recorded on the wrong patient"
            let retracted = try await harness.recordsClient.retractRecordEntry(retract, options: doctor)
            #expect(retracted.status == .enteredInError && retracted.version == 3)
            #expect(try await harness.recordsClient.retractRecordEntry(retract, options: doctor) == retracted)
            update.entry = RecordFixtures.allergy("Penicillin")
            await expectError(.failedPrecondition, field: "entry_id") { _ = try await harness.recordsClient.updateRecordEntry(update, options: doctor) }

            var list = Clinic_Patients_V1_ListRecordEntriesRequest()
            list.patientId = patient.id
            #expect(try await harness.recordsClient.listRecordEntries(list, options: doctor).entries.isEmpty)
            list.statuses = [.enteredInError]
            #expect(try await harness.recordsClient.listRecordEntries(list, options: doctor).entries.map(\.id) == [allergy.id])

            var history = Clinic_Patients_V1_ListRecordHistoryRequest()
            history.patientId = patient.id
            let events = try await harness.recordsClient.listRecordHistory(history, options: doctor).events
            #expect(events.map(\.changeKind) == [.entryRetracted, .entryUpdated, .entryAdded, .recordCreated])
            #expect(events.compactMap { $0.entry?.version } == [3, 2, 1])
            #expect(events[2].entry?.content == RecordFixtures.allergy("Penicilin").content)
            #expect(events[0].summary == "Allergy to Penicillin retracted")
            history.entryId = allergy.id
            history.pageSize = 2
            let page = try await harness.recordsClient.listRecordHistory(history, options: doctor)
            #expect(page.events.count == 2 && !page.nextPageToken.isEmpty)
            history.pageToken = page.nextPageToken
            #expect(try await harness.recordsClient.listRecordHistory(history, options: doctor).events.map(\.changeKind) == [.entryAdded])
        }
    }

    @Test("entries with bad content are refused, naming the field, and nothing is stored")
    func entryValidation() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let patient = try #require(try await harness.register(in: clinic).patient)
            await expectError(.failedPrecondition, field: "patient_id") {
                _ = try await harness.add(RecordFixtures.allergy("Latex"), to: patient.id, in: clinic)
            }
            try await harness.createRecord(patient.id, in: clinic)
            await expectError(.invalidArgument, field: "entry") { _ = try await harness.add(Clinic_Patients_V1_RecordEntry(), to: patient.id, in: clinic) }
            await expectError(.invalidArgument, field: "entry.vital_signs") {
                _ = try await harness.add(RecordFixtures.vitals(at: 1_742_000_000, systolic: nil, diastolic: nil), to: patient.id, in: clinic)
            }
            await expectError(.invalidArgument, field: "entry.vital_signs.systolic_mmhg") {
                _ = try await harness.add(RecordFixtures.vitals(at: 1_742_000_000, systolic: 900), to: patient.id, in: clinic)
            }
            await expectError(.invalidArgument, field: "entry.vital_signs.diastolic_mmhg") {
                _ = try await harness.add(RecordFixtures.vitals(at: 1_742_000_000, systolic: 80, diastolic: 90), to: patient.id, in: clinic)
            }
            await expectError(.invalidArgument, field: "entry.vital_signs.measure_time") {
                _ = try await harness.add(RecordFixtures.vitals(at: 1_900_000_000), to: patient.id, in: clinic)
            }
            var problem = Clinic_Patients_V1_Problem()
            problem.description = "Asthma"
            problem.icd10Code = "not-icd"
            var entry = Clinic_Patients_V1_RecordEntry()
            entry.content = .problem(problem)
            await expectError(.invalidArgument, field: "entry.problem.icd10_code") { _ = try await harness.add(entry, to: patient.id, in: clinic) }
            problem.icd10Code = "J45.9"
            problem.onsetDate = Fixtures.date(2020, 5, 1)
            problem.resolutionDate = Fixtures.date(2019, 1, 1)
            entry.content = .problem(problem)
            await expectError(.invalidArgument, field: "entry.problem.resolution_date") { _ = try await harness.add(entry, to: patient.id, in: clinic) }
            var retracted = RecordFixtures.allergy("Latex")
            retracted.status = .enteredInError
            await expectError(.invalidArgument, field: "entry.status") { _ = try await harness.add(retracted, to: patient.id, in: clinic) }

            var list = Clinic_Patients_V1_ListRecordEntriesRequest()
            list.patientId = patient.id
            list.statuses = [.active, .inactive, .resolved, .enteredInError]
            #expect(try await harness.recordsClient.listRecordEntries(list, options: try harness.doctor(clinic)).entries.isEmpty)
        }
    }

    @Test("a patient reads their own record, never another's; roles and clinics are enforced")
    func access() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let otherClinic = try await harness.createClinic("Clinique B", locality: "Paris")
            let lina = try await harness.linkedPatient("lina@example.org", to: clinic)
            let zoe = try #require(try await harness.register("Zoé", "Blanc", in: clinic).patient)
            try await harness.createRecord(lina.patientID, in: clinic)
            try await harness.createRecord(zoe.id, in: clinic)

            var get = Clinic_Patients_V1_GetMedicalRecordRequest()
            get.patientId = lina.patientID
            get.clinicId = clinic
            #expect(try await harness.recordsClient.getMedicalRecord(get, options: lina.options).patientId == lina.patientID)
            get.patientId = zoe.id
            await expectError(.notFound) { _ = try await harness.recordsClient.getMedicalRecord(get, options: lina.options) }
            get.clinicId = otherClinic
            await expectError(.permissionDenied) { _ = try await harness.recordsClient.getMedicalRecord(get, options: lina.options) }
            get.clinicId = ""
            await expectError(.notFound) { _ = try await harness.recordsClient.getMedicalRecord(get, options: try harness.doctor(otherClinic)) }

            var create = Clinic_Patients_V1_CreateMedicalRecordRequest()
            create.patientId = zoe.id
            await expectError(.permissionDenied) { _ = try await harness.recordsClient.createMedicalRecord(create, options: try harness.admin(clinic)) }
            var add = Clinic_Patients_V1_AddRecordEntryRequest()
            add.patientId = zoe.id
            add.entry = RecordFixtures.allergy("Latex")
            await expectError(.permissionDenied) { _ = try await harness.recordsClient.addRecordEntry(add, options: lina.options) }
            await expectError(.notFound) { _ = try await harness.recordsClient.addRecordEntry(add, options: try harness.doctor(otherClinic)) }

            var list = Clinic_Patients_V1_ListRecordEntriesRequest()
            list.patientId = zoe.id
            #expect(try await harness.recordsClient.listRecordEntries(list, options: try harness.admin(clinic)).entries.isEmpty)
        }
    }
}

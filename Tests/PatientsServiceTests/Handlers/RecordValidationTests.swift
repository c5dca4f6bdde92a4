import ClinicAPI
import Foundation
@testable import PatientsService
import RPCCore
import Testing
import WellKnownTypes

@Suite("Medical record request checks")
struct RecordValidationTests {
    @Test("reads of unknown entries and documents are not_found; bad filters are invalid_argument")
    func readsAndFilters() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let patient = try #require(try await harness.register(in: clinic).patient)
            try await harness.createRecord(patient.id, in: clinic)
            let doctor = try harness.doctor(clinic)
            let document = try await harness.upload([1, 2, 3], to: patient.id, options: doctor) { $0.title = "Scan" }

            var getDocument = Clinic_Patients_V1_GetDocumentRequest()
            getDocument.patientId = patient.id
            getDocument.documentId = document.id
            #expect(try await harness.recordsClient.getDocument(getDocument, options: try harness.admin(clinic)) == document)
            #expect(document.title == "Scan")
            getDocument.documentId = "doc_unknown"
            await expectError(.notFound, field: "document_id") { _ = try await harness.recordsClient.getDocument(getDocument, options: doctor) }
            getDocument.documentId = "not an id!"
            await expectError(.invalidArgument, field: "document_id") { _ = try await harness.recordsClient.getDocument(getDocument, options: doctor) }

            var getEntry = Clinic_Patients_V1_GetRecordEntryRequest()
            getEntry.patientId = patient.id
            getEntry.entryId = "ent_unknown"
            await expectError(.notFound, field: "entry_id") { _ = try await harness.recordsClient.getRecordEntry(getEntry, options: doctor) }

            var entries = Clinic_Patients_V1_ListRecordEntriesRequest()
            entries.patientId = patient.id
            entries.kinds = [.unspecified]
            await expectError(.invalidArgument, field: "kinds") { _ = try await harness.recordsClient.listRecordEntries(entries, options: doctor) }

            var history = Clinic_Patients_V1_ListRecordHistoryRequest()
            history.patientId = patient.id
            var interval = Clinic_Common_V1_Interval()
            var start = Google_Protobuf_Timestamp()
            start.seconds = 1_742_000_000
            var end = Google_Protobuf_Timestamp()
            end.seconds = 1_741_000_000
            interval.startTime = start
            interval.endTime = end
            history.interval = interval
            await expectError(.invalidArgument, field: "interval.end_time") { _ = try await harness.recordsClient.listRecordHistory(history, options: doctor) }
            history.interval = nil
            let changes = try await harness.recordsClient.listRecordHistory(history, options: doctor).events.map(\.changeKind)
            #expect(changes == [.documentAdded, .recordCreated])

            var update = Clinic_Patients_V1_UpdateMedicalRecordRequest()
            update.patientId = patient.id
            update.bloodGroup = "far too long"
            await expectError(.invalidArgument, field: "blood_group") { _ = try await harness.recordsClient.updateMedicalRecord(update, options: doctor) }

            var audit = Clinic_Patients_V1_ListAuditEventsRequest()
            audit.actions = [.unspecified]
            await expectError(.invalidArgument, field: "actions") { _ = try await harness.recordsClient.listAuditEvents(audit, options: try harness.admin(clinic)) }

            var link = Clinic_Patients_V1_LinkPatientToClinicRequest()
            let (_, patientOptions) = try await harness.signUp("lea@example.org")
            await expectError(.invalidArgument, field: "clinic_id") { _ = try await harness.patients.linkPatientToClinic(link, options: patientOptions) }
            link.clinicId = clinic
            await expectError(.permissionDenied) { _ = try await harness.patients.linkPatientToClinic(link, options: doctor) }
        }
    }
}

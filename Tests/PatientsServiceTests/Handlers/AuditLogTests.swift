import ClinicAPI
import Foundation
@testable import PatientsService
import RPCCore
import Storage
import Testing

@Suite("Audit log")
struct AuditLogTests {
    @Test("every read and change of a record is audited with who, what and the outcome; the admin lists them")
    func everyAccessAudited() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let lina = try await harness.linkedPatient("lina@example.org", to: clinic)
            let zoe = try #require(try await harness.register("Zoé", "Blanc", in: clinic).patient)
            try await harness.createRecord(lina.patientID, in: clinic)                                     // create
            let entry = try await harness.add(RecordFixtures.allergy("Latex"), to: lina.patientID, in: clinic)  // create

            var get = Clinic_Patients_V1_GetMedicalRecordRequest()
            get.patientId = lina.patientID
            get.clinicId = clinic
            _ = try await harness.recordsClient.getMedicalRecord(get, options: lina.options)                 // read by the patient
            get.clinicId = ""
            _ = try await harness.recordsClient.getMedicalRecord(get, options: try harness.admin(clinic))   // read by the admin
            var entryRequest = Clinic_Patients_V1_GetRecordEntryRequest()
            entryRequest.patientId = lina.patientID
            entryRequest.entryId = entry.id
            _ = try await harness.recordsClient.getRecordEntry(entryRequest, options: try harness.doctor(clinic))  // read
            var list = Clinic_Patients_V1_ListRecordEntriesRequest()
            list.patientId = lina.patientID
            _ = try await harness.recordsClient.listRecordEntries(list, options: try harness.doctor(clinic))  // list
            var other = Clinic_Patients_V1_GetMedicalRecordRequest()
            other.patientId = zoe.id
            other.clinicId = clinic
            await expectError(.notFound) { _ = try await harness.recordsClient.getMedicalRecord(other, options: lina.options) }  // denied
            var bad = Clinic_Patients_V1_AddRecordEntryRequest()
            bad.patientId = lina.patientID
            bad.entry = Clinic_Patients_V1_RecordEntry()
            await expectError(.invalidArgument) { _ = try await harness.recordsClient.addRecordEntry(bad, options: try harness.doctor(clinic)) }  // failed

            let rows = try await harness.auditRows(clinic)
            let create = Int(Clinic_Patients_V1_AuditAction.create.protoNumber)
            let read = Int(Clinic_Patients_V1_AuditAction.read.protoNumber)
            let listed = Int(Clinic_Patients_V1_AuditAction.list.protoNumber)
            let (success, denied, failed) = (1, 2, 3)
            #expect(rows.map(\.action) == [create, create, read, read, read, listed, read, create])
            #expect(rows.map(\.outcome) == [success, success, success, success, success, success, denied, failed])
            #expect(rows.map(\.patient) == Array(repeating: lina.patientID, count: 6) + [zoe.id, lina.patientID])
            #expect(rows[2].method == "clinic.patients.v1.MedicalRecordService/GetMedicalRecord")

            let events = try await harness.recordsClient.listAuditEvents(.init(), options: try harness.admin(clinic)).events
            #expect(events.count == rows.count)
            #expect(events.first?.outcome == .failed)  // Newest first.
            let patientRead = try #require(events.last { $0.actor?.accountId == lina.account })
            #expect(patientRead.actor?.role == .patient)
            #expect(patientRead.resource == "patients/\(lina.patientID)/record")

            var filtered = Clinic_Patients_V1_ListAuditEventsRequest()
            filtered.outcome = .denied
            #expect(try await harness.recordsClient.listAuditEvents(filtered, options: try harness.admin(clinic)).events.map(\.patientId) == [zoe.id])
            filtered = Clinic_Patients_V1_ListAuditEventsRequest()
            filtered.actions = [.list]
            filtered.pageSize = 1
            let page = try await harness.recordsClient.listAuditEvents(filtered, options: try harness.admin(clinic))
            #expect(page.events.count == 1 && page.nextPageToken.isEmpty)
        }
    }

    @Test("a patient lists the accesses to their own record only; doctors may not list the log")
    func patientAuditView() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let lina = try await harness.linkedPatient("lina@example.org", to: clinic)
            let zoe = try #require(try await harness.register("Zoé", "Blanc", in: clinic).patient)
            try await harness.createRecord(lina.patientID, in: clinic)
            try await harness.createRecord(zoe.id, in: clinic)

            var request = Clinic_Patients_V1_ListAuditEventsRequest()
            request.clinicId = clinic
            await expectError(.invalidArgument, field: "patient_id") { _ = try await harness.recordsClient.listAuditEvents(request, options: lina.options) }
            request.patientId = zoe.id
            await expectError(.notFound) { _ = try await harness.recordsClient.listAuditEvents(request, options: lina.options) }
            request.patientId = lina.patientID
            let own = try await harness.recordsClient.listAuditEvents(request, options: lina.options).events
            #expect(own.map(\.patientId) == [lina.patientID])
            await expectError(.permissionDenied) {
                _ = try await harness.recordsClient.listAuditEvents(.init(), options: try harness.doctor(clinic))
            }
        }
    }

    @Test("the audit log, the history and entry versions cannot be changed or deleted, even with SQL")
    func appendOnly() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let patient = try #require(try await harness.register(in: clinic).patient)
            try await harness.createRecord(patient.id, in: clinic)
            _ = try await harness.add(RecordFixtures.allergy("Latex"), to: patient.id, in: clinic)
            let database = try await harness.storage.pool.database(for: TenantID(clinic))
            let attempts = [
                "UPDATE audit_events SET outcome = 1",
                "DELETE FROM audit_events",
                "UPDATE record_history SET summary = 'nothing happened'",
                "DELETE FROM record_history",
                "UPDATE record_entry_versions SET version = 9",
                "DELETE FROM record_entry_versions",
            ]
            for sql in attempts {
                await #expect(throws: StorageError.self, "\(sql) must be refused") {
                    try await database.write { db in try db.execute(sql) }
                }
            }
            let counts = try await database.read { db in
                (
                    try db.scalar("SELECT count(*) FROM audit_events", as: Int.self),
                    try db.scalar("SELECT count(*) FROM record_history", as: Int.self),
                    try db.scalar("SELECT count(*) FROM record_entry_versions", as: Int.self)
                )
            }
            #expect(counts.0 == 2 && counts.1 == 2 && counts.2 == 1)
            // Appending still works.
            try await database.write { db in
                try db.execute(
                    "INSERT INTO audit_events (occur_ms, actor, action, outcome, method) VALUES (0, x'', 1, 1, 'test')")
            }
        }
    }
}

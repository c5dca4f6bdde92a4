import ClinicAPI
import Foundation
import RPCCore
import Testing

@Suite struct TmpProbe {
    @Test func detectsChanges() async throws {
        try await withHarness { harness in
            let a = try await harness.seed(.a, locality: "Lyon")
            let b = try await harness.seed(.b, locality: "Paris")
            let mentions = [b.clinicID, b.doctorID, b.doctor.accountID, b.admin.email, b.doctor.email, b.selfPatient.email] + b.privateIDs
            let before = try StoredState.read(directory: harness.directory, clinicID: b.clinicID, mentions: mentions)
            print("PARTS", before.parts.keys.sorted())
            let observedBefore = try await ObservedState.read(b, through: harness)
            print("READS", observedBefore.reads.count, "AUDIT", observedBefore.auditEvents.count)
            var update = Clinic_Patients_V1_UpdatePatientRequest()
            update.patientId = b.staffPatientID
            var contact = Clinic_Common_V1_ContactInfo(); contact.phone = "+33699999999"
            update.contact = contact
            _ = try await harness.patients.updatePatient(update, options: b.admin.options)
            var g = Clinic_Patients_V1_GetRecordEntryRequest(); g.patientId = b.staffPatientID; g.entryId = b.entryID
            _ = try await harness.records.getRecordEntry(g, options: b.doctor.options)
            let after = try StoredState.read(directory: harness.directory, clinicID: b.clinicID, mentions: mentions)
            print("DIFF", after.differences(from: before))
            let observedAfter = try await ObservedState.read(b, through: harness)
            print("ODIFF", observedAfter.differences(from: observedBefore, admin: b.admin.accountID))
            let leak = LeakCheck(b)
            print("LEAK", leak.leaks(in: Array("xx \(b.names.allergy) \(b.doctorID)".utf8), rule: .publicOnly))
            _ = a
        }
    }
}

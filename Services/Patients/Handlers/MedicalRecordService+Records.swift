package import ClinicAPI
import Foundation
import Platform
package import RPCCore
import Storage

extension MedicalRecordService {
    package func createMedicalRecord(
        request: Clinic_Patients_V1_CreateMedicalRecordRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_MedicalRecord {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let now = now()
        let stamp = stamp(context, caller: caller, at: now)
        let patientID = request.patientId
        let access = AuditAccess(action: .create, patientID: patientID, resource: AuditResource.record(patientID))
        let (bloodGroup, summary) = (
            request.record?.bloodGroup.trimmingCharacters(in: .whitespaces) ?? "", request.record?.summary ?? ""
        )
        let (callerKey, requestID) = (caller.description, request.requestId)
        return try await audited(database, access, stamp: stamp, what: "the medical record") { db in
            _ = try Self.reachablePatient(patientID, caller: caller, db)
            if let earlier = try RequestIDs.find(
                Clinic_Patients_V1_MedicalRecord.self, scope: "CreateMedicalRecord", caller: callerKey, requestID: requestID,
                now: now, db)
            {
                return earlier
            }
            guard try RecordStore.find(patientID: patientID, db) == nil else {
                throw RPCError(code: .alreadyExists, message: "patient_id: the patient already has a medical record")
            }
            let header = RecordHeader(
                patientID: patientID, bloodGroup: bloodGroup, summary: summary, creator: stamp.actor, createdAt: now,
                updatedAt: now, version: 1)
            try RecordStore.insert(header, db)
            try HistoryLog.append(
                HistoryChange(kind: .recordCreated, summary: "Medical record created"), patientID: patientID, actor: stamp.actor,
                now: now, db)
            let record = header.proto
            try RequestIDs.record(record, scope: "CreateMedicalRecord", caller: callerKey, requestID: requestID, now: now, db)
            return record
        }
    }

    package func getMedicalRecord(
        request: Clinic_Patients_V1_GetMedicalRecordRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_MedicalRecord {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let now = now()
        let patientID = request.patientId
        let access = AuditAccess(action: .read, patientID: patientID, resource: AuditResource.record(patientID))
        let full = request.view != .basic
        return try await audited(database, access, stamp: stamp(context, caller: caller, at: now), what: "the medical record") { db in
            _ = try Self.reachablePatient(patientID, caller: caller, db)
            var record = try Self.header(patientID, db).proto
            guard full else { return record }
            let active = try EntryStore.list(
                patientID: patientID, kinds: [], statuses: [Int(Clinic_Patients_V1_RecordEntryStatus.active.protoNumber)],
                after: nil, limit: 10_000, db)
            for entry in active {
                switch entry.content {
                case .allergy: record.allergies.append(entry)
                case .problem: record.problems.append(entry)
                case .medication: record.medications.append(entry)
                case .vitalSigns, nil: continue
                }
            }
            let vitals = try EntryStore.list(
                patientID: patientID, kinds: [Int(Clinic_Patients_V1_RecordEntryKind.vitalSigns.protoNumber)],
                statuses: Self.visibleStatuses, after: nil, limit: 10_000, db)
            record.latestVitalSigns = vitals.max { Self.measureTime($0) < Self.measureTime($1) }
            return record
        }
    }

    package func updateMedicalRecord(
        request: Clinic_Patients_V1_UpdateMedicalRecordRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_MedicalRecord {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let now = now()
        let stamp = stamp(context, caller: caller, at: now)
        let patientID = request.patientId
        let access = AuditAccess(action: .update, patientID: patientID, resource: AuditResource.record(patientID))
        return try await audited(database, access, stamp: stamp, what: "the medical record") { db in
            _ = try Self.reachablePatient(patientID, caller: caller, db)
            var header = try Self.header(patientID, db)
            guard request.etag.isEmpty || request.etag == "\(header.version)" else {
                throw RPCError(code: .aborted, message: "etag: the record changed since it was read; read it again")
            }
            let before = header
            if let bloodGroup = request.bloodGroup { header.bloodGroup = bloodGroup.trimmingCharacters(in: .whitespaces) }
            if let summary = request.summary { header.summary = summary }
            guard header != before else { return header.proto }
            header.updatedAt = now
            header.version += 1
            try RecordStore.update(header, db)
            try HistoryLog.append(
                HistoryChange(kind: .recordUpdated, summary: "Medical record updated"), patientID: patientID, actor: stamp.actor,
                now: now, db)
            return header.proto
        }
    }

    /// Every status but ENTERED_IN_ERROR: what lists show unless asked otherwise.
    static let visibleStatuses: Set<Int> = Set(
        [Clinic_Patients_V1_RecordEntryStatus.active, .inactive, .resolved].map { Int($0.protoNumber) })

    /// When a vital signs entry was measured (the distant past for other entries).
    static func measureTime(_ entry: Clinic_Patients_V1_RecordEntry) -> Date {
        if case .vitalSigns(let vitals) = entry.content, let time = vitals.measureTime { return time.date }
        return .distantPast
    }
}

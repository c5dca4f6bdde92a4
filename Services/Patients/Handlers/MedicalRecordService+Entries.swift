package import ClinicAPI
import Foundation
import Platform
package import RPCCore
import Storage
import WellKnownTypes

extension MedicalRecordService {
    package func addRecordEntry(
        request: Clinic_Patients_V1_AddRecordEntryRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_RecordEntry {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let now = now()
        let stamp = stamp(context, caller: caller, at: now)
        let patientID = request.patientId
        let access = AuditAccess(action: .create, patientID: patientID, resource: AuditResource.entries(patientID))
        let (callerKey, requestID) = (caller.description, request.requestId)
        return try await audited(database, access, stamp: stamp, what: "the record entry") { db in
            let proposed = request.entry ?? Clinic_Patients_V1_RecordEntry()
            let content = try EntryRules.content(of: proposed, field: "entry", now: now)
            let status = try EntryRules.initialStatus(proposed.status, field: "entry.status")
            _ = try Self.reachablePatient(patientID, caller: caller, db)
            if let earlier = try RequestIDs.find(
                Clinic_Patients_V1_RecordEntry.self, scope: "AddRecordEntry", caller: callerKey, requestID: requestID, now: now, db)
            {
                return earlier
            }
            guard try RecordStore.find(patientID: patientID, db) != nil else {
                throw RPCError(code: .failedPrecondition, message: "patient_id: create the patient's medical record first")
            }
            var entry = Clinic_Patients_V1_RecordEntry()
            entry.id = RowID.make("ent")
            entry.patientId = patientID
            entry.status = status
            entry.content = content
            entry.consultationId = proposed.consultationId
            entry.author = stamp.actor
            entry.version = 1
            entry.createTime = Google_Protobuf_Timestamp(date: now)
            entry.updateTime = Google_Protobuf_Timestamp(date: now)
            entry.etag = "1"
            try EntryStore.insert(entry, kind: EntryRules.kind(of: content), now: now, db)
            try RecordStore.touch(patientID: patientID, now: now, db)
            try HistoryLog.append(
                HistoryChange(
                    kind: .entryAdded, entryID: entry.id, entryVersion: 1, consultationID: entry.consultationId,
                    summary: EntryRules.summary(of: content, "added")),
                patientID: patientID, actor: stamp.actor, now: now, db)
            try RequestIDs.record(entry, scope: "AddRecordEntry", caller: callerKey, requestID: requestID, now: now, db)
            return entry
        }
    }

    package func getRecordEntry(
        request: Clinic_Patients_V1_GetRecordEntryRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_RecordEntry {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let (patientID, entryID) = (request.patientId, request.entryId)
        let access = AuditAccess(action: .read, patientID: patientID, resource: AuditResource.entry(patientID, entryID))
        return try await audited(database, access, stamp: stamp(context, caller: caller, at: now()), what: "the record entry") { db in
            _ = try Self.reachablePatient(patientID, caller: caller, db)
            guard let entry = try EntryStore.find(id: entryID, patientID: patientID, db) else { throw RPCError.entryNotFound }
            return entry
        }
    }

    package func updateRecordEntry(
        request: Clinic_Patients_V1_UpdateRecordEntryRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_RecordEntry {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let now = now()
        let stamp = stamp(context, caller: caller, at: now)
        let (patientID, entryID) = (request.patientId, request.entryId)
        let access = AuditAccess(action: .update, patientID: patientID, resource: AuditResource.entry(patientID, entryID))
        return try await audited(database, access, stamp: stamp, what: "the record entry") { db in
            try Self.applyUpdate(request, caller: caller, now: now, stamp: stamp, db)
        }
    }

    /// The update of one entry inside its audited transaction. A function of its own rather than
    /// the closure's body: Swift 6.3.1's release optimizer (SIL CopyPropagation) crashed on it inline.
    private static func applyUpdate(
        _ request: Clinic_Patients_V1_UpdateRecordEntryRequest, caller: Principal, now: Date, stamp: AuditStamp,
        _ db: Connection
    ) throws -> Clinic_Patients_V1_RecordEntry {
        let (patientID, entryID) = (request.patientId, request.entryId)
        let proposed = request.entry ?? Clinic_Patients_V1_RecordEntry()
        let content = try EntryRules.content(of: proposed, field: "entry", now: now)
        _ = try reachablePatient(patientID, caller: caller, db)
        guard let stored = try EntryStore.find(id: entryID, patientID: patientID, db) else { throw RPCError.entryNotFound }
        guard request.etag.isEmpty || request.etag == stored.etag else {
            throw RPCError(code: .aborted, message: "etag: the entry changed since it was read; read it again")
        }
        guard stored.status != .enteredInError else {
            throw RPCError(code: .failedPrecondition, message: "entry_id: a retracted entry cannot change")
        }
        let storedKind = stored.content.map { EntryRules.kind(of: $0) }
        guard storedKind == EntryRules.kind(of: content) else {
            throw RequestCheck.invalid("entry", "the kind of an entry cannot change")
        }
        var entry = stored
        if proposed.status != .unspecified {
            entry.status = try EntryRules.initialStatus(proposed.status, field: "entry.status")
        }
        entry.content = content
        if !proposed.consultationId.isEmpty { entry.consultationId = proposed.consultationId }
        try storeNextVersion(&entry, .entryUpdated, summary: EntryRules.summary(of: content, "updated"), stamp: stamp, db)
        return entry
    }

    package func retractRecordEntry(
        request: Clinic_Patients_V1_RetractRecordEntryRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_RecordEntry {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let now = now()
        let stamp = stamp(context, caller: caller, at: now)
        let (patientID, entryID) = (request.patientId, request.entryId)
        let reason = request.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        let access = AuditAccess(action: .retract, patientID: patientID, resource: AuditResource.entry(patientID, entryID))
        return try await audited(database, access, stamp: stamp, what: "the record entry") { db in
            guard !reason.isEmpty else { throw RequestCheck.invalid("reason", "is required") }
            _ = try Self.reachablePatient(patientID, caller: caller, db)
            guard var entry = try EntryStore.find(id: entryID, patientID: patientID, db) else { throw RPCError.entryNotFound }
            // Retracting twice keeps the first retraction (the method is idempotent).
            guard entry.status != .enteredInError else { return entry }
            entry.status = .enteredInError
            entry.retractReason = reason
            let summary = entry.content.map { EntryRules.summary(of: $0, "retracted") } ?? "Entry retracted"
            try Self.storeNextVersion(&entry, .entryRetracted, summary: summary, stamp: stamp, db)
            return entry
        }
    }

    package func listRecordEntries(
        request: Clinic_Patients_V1_ListRecordEntriesRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_ListRecordEntriesResponse {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let patientID = request.patientId
        let access = AuditAccess(action: .list, patientID: patientID, resource: AuditResource.entries(patientID))
        let scope = PageScope(request) { $0.pageToken = ""; $0.pageSize = 0 }
        let pageSize = RequestCheck.pageSize(request.pageSize, default: 100)
        return try await audited(database, access, stamp: stamp(context, caller: caller, at: now()), what: "the record entries") { db in
            let after = try PageToken<EntryCursor>.decode(request.pageToken, scope: scope)
            guard !request.kinds.contains(.unspecified) else { throw RequestCheck.invalid("kinds", "UNSPECIFIED is not a kind") }
            guard !request.statuses.contains(.unspecified) else {
                throw RequestCheck.invalid("statuses", "UNSPECIFIED is not a status")
            }
            _ = try Self.reachablePatient(patientID, caller: caller, db)
            let statuses = request.statuses.isEmpty ? Self.visibleStatuses : Set(request.statuses.map { Int($0.protoNumber) })
            let entries = try EntryStore.list(
                patientID: patientID, kinds: Set(request.kinds.map { Int($0.protoNumber) }), statuses: statuses, after: after,
                limit: pageSize + 1, db)
            let page = Page(entries, size: pageSize, scope: scope, cursor: EntryCursor.init)
            var response = Clinic_Patients_V1_ListRecordEntriesResponse()
            response.entries = page.items
            response.nextPageToken = page.nextToken
            return response
        }
    }

    package func listRecordHistory(
        request: Clinic_Patients_V1_ListRecordHistoryRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_ListRecordHistoryResponse {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let patientID = request.patientId
        let access = AuditAccess(action: .list, patientID: patientID, resource: AuditResource.history(patientID))
        let scope = PageScope(request) { $0.pageToken = ""; $0.pageSize = 0 }
        let pageSize = RequestCheck.pageSize(request.pageSize, default: 100)
        return try await audited(database, access, stamp: stamp(context, caller: caller, at: now()), what: "the record history") { db in
            let after = try PageToken<Int64>.decode(request.pageToken, scope: scope)
            let from = try RequestCheck.instant(request.interval?.startTime, field: "interval.start_time")
            let before = try RequestCheck.instant(request.interval?.endTime, field: "interval.end_time")
            if let from, let before, before <= from {
                throw RequestCheck.invalid("interval.end_time", "must be after start_time")
            }
            _ = try Self.reachablePatient(patientID, caller: caller, db)
            let events = try HistoryLog.list(
                patientID: patientID, entryID: request.entryId.isEmpty ? nil : request.entryId, from: from, before: before,
                after: after, limit: pageSize + 1, db)
            let page = Page(events, size: pageSize, scope: scope) { Int64($0.id) ?? 0 }
            var response = Clinic_Patients_V1_ListRecordHistoryResponse()
            response.events = page.items
            response.nextPageToken = page.nextToken
            return response
        }
    }
}

extension MedicalRecordService {
    /// Stores `entry`, changed, as its next version written by the caller, with its history line.
    static func storeNextVersion(
        _ entry: inout Clinic_Patients_V1_RecordEntry, _ kind: Clinic_Patients_V1_RecordChangeKind, summary: String,
        stamp: AuditStamp, _ db: Connection
    ) throws {
        entry.author = stamp.actor
        entry.version += 1
        entry.updateTime = Google_Protobuf_Timestamp(date: stamp.now)
        entry.etag = "\(entry.version)"
        try EntryStore.update(entry, now: stamp.now, db)
        try RecordStore.touch(patientID: entry.patientId, now: stamp.now, db)
        try HistoryLog.append(
            HistoryChange(
                kind: kind, entryID: entry.id, entryVersion: Int(entry.version),
                consultationID: kind == .entryRetracted ? "" : entry.consultationId, summary: summary),
            patientID: entry.patientId, actor: stamp.actor, now: stamp.now, db)
    }
}

extension RPCError {
    /// An entry that does not exist in this patient's record.
    static let entryNotFound = RPCError(code: .notFound, message: "entry_id: entry not found")
}

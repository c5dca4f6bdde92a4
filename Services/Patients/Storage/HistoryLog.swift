import ClinicAPI
import Foundation
import ProtoRuntime
import Storage
import WellKnownTypes

/// One change to append to a record's history.
struct HistoryChange: Sendable {
    var kind: Clinic_Patients_V1_RecordChangeKind
    var entryID = ""
    var entryVersion: Int?
    var documentID = ""
    var consultationID = ""
    var summary: String
}

/// The SQL for `record_history`: every change of a record, append-only (triggers refuse UPDATE
/// and DELETE), newest first when listed.
enum HistoryLog {
    /// Appends `change` to `patientID`'s history, made by `actor` at `now`.
    static func append(_ change: HistoryChange, patientID: String, actor: Clinic_Common_V1_Actor, now: Date, _ db: Connection) throws {
        try db.execute(
            """
            INSERT INTO record_history (patient_id, occur_ms, actor, change_kind, entry_id, entry_version, document_id,
                consultation_id, summary)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [patientID, now, try actor.serializedBytes(), Int(change.kind.protoNumber), change.entryID, change.entryVersion,
             change.documentID, change.consultationID, change.summary])
    }

    /// A page of `patientID`'s history, newest first: of one entry when `entryID` is set, within
    /// [from, before) when set, after `cursor` (a history id).
    static func list(
        patientID: String, entryID: String?, from: Date?, before: Date?, after cursor: Int64?, limit: Int, _ db: Connection
    ) throws -> [Clinic_Patients_V1_RecordHistoryEvent] {
        var sql = """
            SELECT id, occur_ms, actor, change_kind, entry_id, entry_version, document_id, consultation_id, summary
            FROM record_history WHERE patient_id = ?
            """
        var bindings: [any SQLBindable] = [patientID]
        if let entryID {
            sql += " AND entry_id = ?"
            bindings.append(entryID)
        }
        if let from {
            sql += " AND occur_ms >= ?"
            bindings.append(from)
        }
        if let before {
            sql += " AND occur_ms < ?"
            bindings.append(before)
        }
        if let cursor {
            sql += " AND id < ?"
            bindings.append(cursor)
        }
        sql += " ORDER BY id DESC LIMIT ?"
        bindings.append(limit)
        return try db.query(sql, bindings).map { row in
            var event = Clinic_Patients_V1_RecordHistoryEvent()
            event.id = String(try row.get("id", as: Int64.self))
            event.occurTime = Google_Protobuf_Timestamp(date: try row.get("occur_ms", as: Date.self))
            event.actor = try Clinic_Common_V1_Actor(serializedBytes: try row.get("actor", as: [UInt8].self))
            event.changeKind = Clinic_Patients_V1_RecordChangeKind(protoNumber: try row.get("change_kind"))
            let entryID: String = try row.get("entry_id")
            if let version: Int = try row.get("entry_version"), !entryID.isEmpty {
                event.entry = try EntryStore.version(version, of: entryID, db)
            }
            event.documentId = try row.get("document_id")
            event.consultationId = try row.get("consultation_id")
            event.summary = try row.get("summary")
            return event
        }
    }
}

import ClinicAPI
import Foundation
import ProtoRuntime
import Storage

/// The SQL for record entries: `record_entries` holds each entry's current version and
/// `record_entry_versions` every version ever written (append-only), so history never loses a value.
enum EntryStore {
    /// Stores a new entry (version 1) and its first version.
    static func insert(_ entry: Clinic_Patients_V1_RecordEntry, kind: Clinic_Patients_V1_RecordEntryKind, now: Date, _ db: Connection) throws {
        let bytes = try entry.serializedBytes()
        try db.execute(
            """
            INSERT INTO record_entries (id, patient_id, kind, status, version, entry, created_ms, updated_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [entry.id, entry.patientId, Int(kind.protoNumber), Int(entry.status.protoNumber), Int(entry.version), bytes, now, now])
        try appendVersion(entry, bytes: bytes, now: now, db)
    }

    /// Stores `entry` as the entry's new current version and appends it to the versions.
    static func update(_ entry: Clinic_Patients_V1_RecordEntry, now: Date, _ db: Connection) throws {
        let bytes = try entry.serializedBytes()
        try db.execute(
            "UPDATE record_entries SET status = ?, version = ?, entry = ?, updated_ms = ? WHERE id = ?",
            [Int(entry.status.protoNumber), Int(entry.version), bytes, now, entry.id])
        try appendVersion(entry, bytes: bytes, now: now, db)
    }

    /// The current version of entry `id` of `patientID`, if any.
    static func find(id: String, patientID: String, _ db: Connection) throws -> Clinic_Patients_V1_RecordEntry? {
        try db.queryFirst("SELECT entry FROM record_entries WHERE id = ? AND patient_id = ?", [id, patientID], as: decode)
    }

    /// Version `version` of entry `id`, if any.
    static func version(_ version: Int, of id: String, _ db: Connection) throws -> Clinic_Patients_V1_RecordEntry? {
        try db.queryFirst("SELECT entry FROM record_entry_versions WHERE entry_id = ? AND version = ?", [id, version], as: decode)
    }

    /// A page of `patientID`'s entries, newest first, of `kinds` and `statuses` (empty: any).
    static func list(
        patientID: String, kinds: Set<Int>, statuses: Set<Int>, after cursor: EntryCursor?, limit: Int, _ db: Connection
    ) throws -> [Clinic_Patients_V1_RecordEntry] {
        var sql = "SELECT entry FROM record_entries WHERE patient_id = ?"
        var bindings: [any SQLBindable] = [patientID]
        if !kinds.isEmpty {
            sql += " AND kind IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))"
            bindings += kinds.sorted()
        }
        if !statuses.isEmpty {
            sql += " AND status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))"
            bindings += statuses.sorted()
        }
        if let cursor {
            sql += " AND (created_ms < ? OR (created_ms = ? AND id < ?))"
            bindings += [cursor.createdMs, cursor.createdMs, cursor.id] as [any SQLBindable]
        }
        sql += " ORDER BY created_ms DESC, id DESC LIMIT ?"
        bindings.append(limit)
        return try db.query(sql, bindings, as: decode)
    }

    private static func appendVersion(_ entry: Clinic_Patients_V1_RecordEntry, bytes: [UInt8], now: Date, _ db: Connection) throws {
        try db.execute(
            "INSERT INTO record_entry_versions (entry_id, version, entry, created_ms) VALUES (?, ?, ?, ?)",
            [entry.id, Int(entry.version), bytes, now])
    }

    private static func decode(_ row: Row) throws -> Clinic_Patients_V1_RecordEntry {
        try Clinic_Patients_V1_RecordEntry(serializedBytes: try row.get("entry", as: [UInt8].self))
    }
}

/// The position after the last entry of a page (newest first).
struct EntryCursor: Codable, Sendable, Hashable {
    var createdMs: Int64
    var id: String

    init(_ entry: Clinic_Patients_V1_RecordEntry) {
        let created = entry.createTime?.date ?? Date(timeIntervalSince1970: 0)
        createdMs = Int64((created.timeIntervalSince1970 * 1000).rounded())
        id = entry.id
    }
}

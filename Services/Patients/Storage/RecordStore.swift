import ClinicAPI
import Foundation
import ProtoRuntime
import Storage
import WellKnownTypes

/// The header of a patient's medical record (`medical_records`).
struct RecordHeader: Sendable, Equatable {
    var patientID: String
    var bloodGroup: String
    var summary: String
    var creator: Clinic_Common_V1_Actor
    var createdAt: Date
    /// Last change of the header or of any entry.
    var updatedAt: Date
    /// The header's version (its etag); entries have their own.
    var version: Int

    /// The record as the API returns it, without entries (the BASIC view).
    var proto: Clinic_Patients_V1_MedicalRecord {
        var record = Clinic_Patients_V1_MedicalRecord()
        record.patientId = patientID
        record.bloodGroup = bloodGroup
        record.summary = summary
        record.creator = creator
        record.createTime = Google_Protobuf_Timestamp(date: createdAt)
        record.updateTime = Google_Protobuf_Timestamp(date: updatedAt)
        record.etag = "\(version)"
        return record
    }
}

/// The SQL for `medical_records`.
enum RecordStore {
    /// Inserts a record header; a second record of the patient fails with `uniqueViolation`.
    static func insert(_ header: RecordHeader, _ db: Connection) throws {
        try db.execute(
            """
            INSERT INTO medical_records (patient_id, blood_group, summary, creator, created_ms, updated_ms, version)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [header.patientID, header.bloodGroup, header.summary, try header.creator.serializedBytes(), header.createdAt,
             header.updatedAt, header.version])
    }

    /// Writes the header's fields over its row.
    static func update(_ header: RecordHeader, _ db: Connection) throws {
        try db.execute(
            "UPDATE medical_records SET blood_group = ?, summary = ?, updated_ms = ?, version = ? WHERE patient_id = ?",
            [header.bloodGroup, header.summary, header.updatedAt, header.version, header.patientID])
    }

    /// Records that an entry of the record changed at `now`.
    static func touch(patientID: String, now: Date, _ db: Connection) throws {
        try db.execute("UPDATE medical_records SET updated_ms = ? WHERE patient_id = ?", [now, patientID])
    }

    /// The header of `patientID`'s record, if it has one.
    static func find(patientID: String, _ db: Connection) throws -> RecordHeader? {
        try db.queryFirst(
            "SELECT patient_id, blood_group, summary, creator, created_ms, updated_ms, version FROM medical_records WHERE patient_id = ?",
            [patientID]
        ) { row in
            RecordHeader(
                patientID: try row.get("patient_id"), bloodGroup: try row.get("blood_group"), summary: try row.get("summary"),
                creator: try Clinic_Common_V1_Actor(serializedBytes: try row.get("creator", as: [UInt8].self)),
                createdAt: try row.get("created_ms"), updatedAt: try row.get("updated_ms"), version: try row.get("version"))
        }
    }
}

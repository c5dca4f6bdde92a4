import ClinicAPI
import Foundation
import ProtoRuntime
import Storage
import WellKnownTypes

/// The metadata of one document (`documents`); the content is in `DocumentFiles`.
struct DocumentRecord: Sendable, Equatable {
    var id: String
    var patientID: String
    var file: Clinic_Common_V1_FileInfo
    var category: Clinic_Patients_V1_DocumentCategory
    var title: String
    var description: String
    var consultationID: String
    var uploader: Clinic_Common_V1_Actor
    var isDeleted: Bool
    var requestKey: String?
    var createdAt: Date
    var deletedAt: Date?
    var deleteReason: String

    /// The document as the API returns it.
    var proto: Clinic_Patients_V1_MedicalDocument {
        var document = Clinic_Patients_V1_MedicalDocument()
        document.id = id
        document.patientId = patientID
        document.file = file
        document.category = category
        document.title = title
        document.description = description
        document.consultationId = consultationID
        document.uploader = uploader
        document.state = isDeleted ? .deleted : .available
        document.createTime = Google_Protobuf_Timestamp(date: createdAt)
        document.deleteTime = deletedAt.map { Google_Protobuf_Timestamp(date: $0) }
        return document
    }
}

/// The SQL for `documents`.
enum DocumentStore {
    private static let columns = """
        id, patient_id, file_name, media_type, size_bytes, sha256, category, title, description, consultation_id,
        uploader, state, request_key, created_ms, deleted_ms, delete_reason
        """

    /// Inserts `document`; a second upload with the same request key fails with `uniqueViolation`.
    static func insert(_ document: DocumentRecord, _ db: Connection) throws {
        try db.execute(
            "INSERT INTO documents (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [document.id, document.patientID, document.file.fileName, document.file.mediaType, document.file.sizeBytes,
             document.file.sha256, Int(document.category.protoNumber), document.title, document.description,
             document.consultationID, try document.uploader.serializedBytes(), document.isDeleted ? "deleted" : "available",
             document.requestKey, document.createdAt, document.deletedAt, document.deleteReason])
    }

    /// Marks `document` deleted (the only change a document ever gets).
    static func markDeleted(_ document: DocumentRecord, _ db: Connection) throws {
        try db.execute(
            "UPDATE documents SET state = 'deleted', deleted_ms = ?, delete_reason = ? WHERE id = ?",
            [document.deletedAt, document.deleteReason, document.id])
    }

    /// Document `id` of `patientID`, if any.
    static func find(id: String, patientID: String, _ db: Connection) throws -> DocumentRecord? {
        try db.queryFirst("SELECT \(columns) FROM documents WHERE id = ? AND patient_id = ?", [id, patientID], as: decode)
    }

    /// The document an earlier upload with `requestKey` stored, if any.
    static func find(requestKey: String, _ db: Connection) throws -> DocumentRecord? {
        try db.queryFirst("SELECT \(columns) FROM documents WHERE request_key = ?", [requestKey], as: decode)
    }

    /// A page of `patientID`'s documents, newest first.
    static func list(
        patientID: String, category: Int?, consultationID: String?, showDeleted: Bool, after cursor: DocumentCursor?,
        limit: Int, _ db: Connection
    ) throws -> [DocumentRecord] {
        var sql = "SELECT \(columns) FROM documents WHERE patient_id = ?"
        var bindings: [any SQLBindable] = [patientID]
        if let category {
            sql += " AND category = ?"
            bindings.append(category)
        }
        if let consultationID {
            sql += " AND consultation_id = ?"
            bindings.append(consultationID)
        }
        if !showDeleted { sql += " AND state = 'available'" }
        if let cursor {
            sql += " AND (created_ms < ? OR (created_ms = ? AND id < ?))"
            bindings += [cursor.createdMs, cursor.createdMs, cursor.id] as [any SQLBindable]
        }
        sql += " ORDER BY created_ms DESC, id DESC LIMIT ?"
        bindings.append(limit)
        return try db.query(sql, bindings, as: decode)
    }

    private static func decode(_ row: Row) throws -> DocumentRecord {
        var file = Clinic_Common_V1_FileInfo()
        file.fileName = try row.get("file_name")
        file.mediaType = try row.get("media_type")
        file.sizeBytes = try row.get("size_bytes")
        file.sha256 = try row.get("sha256")
        return DocumentRecord(
            id: try row.get("id"), patientID: try row.get("patient_id"), file: file,
            category: Clinic_Patients_V1_DocumentCategory(protoNumber: try row.get("category")), title: try row.get("title"),
            description: try row.get("description"), consultationID: try row.get("consultation_id"),
            uploader: try Clinic_Common_V1_Actor(serializedBytes: try row.get("uploader", as: [UInt8].self)),
            isDeleted: try row.get("state") == "deleted", requestKey: try row.get("request_key"),
            createdAt: try row.get("created_ms"), deletedAt: try row.get("deleted_ms"), deleteReason: try row.get("delete_reason"))
    }
}

/// The position after the last document of a page (newest first).
struct DocumentCursor: Codable, Sendable, Hashable {
    var createdMs: Int64
    var id: String

    init(_ document: DocumentRecord) {
        createdMs = Int64((document.createdAt.timeIntervalSince1970 * 1000).rounded())
        id = document.id
    }
}

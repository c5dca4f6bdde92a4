import ClinicAPI
import Foundation
import ProtoRuntime
import Storage

/// SQL over `doctors` and `doctor_specialties`; runs inside the caller's transaction.
enum DoctorStore {
    private static let columns = """
        d.id, d.status, d.account_id, d.email_key, d.account_request_id, d.details, d.version, d.created_at,
        d.updated_at, d.removed_at, d.claimed_until
        """

    static func find(id: String, _ db: Connection) throws -> DoctorRecord? {
        try db.queryFirst("SELECT \(columns) FROM doctors d WHERE d.id = ?", [id], as: decode)
    }

    static func find(accountID: String, _ db: Connection) throws -> DoctorRecord? {
        try db.queryFirst(
            "SELECT \(columns) FROM doctors d WHERE d.account_id = ? AND d.status <> 'provisioning'", [accountID],
            as: decode)
    }

    /// The doctor (provisioning or active) holding `emailKey`.
    static func find(emailKey: String, _ db: Connection) throws -> DoctorRecord? {
        try db.queryFirst(
            "SELECT \(columns) FROM doctors d WHERE d.email_key = ? AND d.status <> 'removed'", [emailKey], as: decode)
    }

    static func insert(_ record: DoctorRecord, _ db: Connection) throws {
        try db.execute(
            """
            INSERT INTO doctors (id, status, account_id, email_key, account_request_id, family_key, given_key,
                                 online_booking, details, version, created_at, updated_at, removed_at, claimed_until)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                record.id, record.status.rawValue, record.accountID, record.emailKey, record.accountRequestID,
                record.familyKey, record.givenKey, record.details.onlineBookingEnabled,
                try record.details.serializedBytes(), record.version, record.createdAt, record.updatedAt,
                record.removedAt, record.claimedUntil,
            ])
        try replaceSpecialties(record, db)
    }

    static func update(_ record: DoctorRecord, _ db: Connection) throws {
        try db.execute(
            """
            UPDATE doctors SET status = ?, account_id = ?, family_key = ?, given_key = ?, online_booking = ?,
                               details = ?, version = ?, updated_at = ?, removed_at = ?, claimed_until = ?
            WHERE id = ?
            """,
            [
                record.status.rawValue, record.accountID, record.familyKey, record.givenKey,
                record.details.onlineBookingEnabled, try record.details.serializedBytes(), record.version,
                record.updatedAt, record.removedAt, record.claimedUntil, record.id,
            ])
        try replaceSpecialties(record, db)
    }

    /// Removes a doctor that never became visible (a failed addition).
    static func deleteProvisioning(id: String, _ db: Connection) throws {
        try db.execute("DELETE FROM doctor_creations WHERE doctor_id = ?", [id])
        try db.execute("DELETE FROM doctors WHERE id = ? AND status = 'provisioning'", [id])
    }

    /// Ends the claim of the attempt adding doctor `id`, so that a retry may resume it at once.
    static func releaseClaim(id: String, _ db: Connection) throws {
        try db.execute("UPDATE doctors SET claimed_until = NULL WHERE id = ? AND status = 'provisioning'", [id])
    }

    /// Forgets additions left provisioning since before `cutoff`.
    static func deleteProvisioning(before cutoff: Date, _ db: Connection) throws {
        try db.execute(
            "DELETE FROM doctor_creations WHERE doctor_id IN (SELECT id FROM doctors WHERE status = 'provisioning' AND created_at < ?)",
            [cutoff])
        try db.execute("DELETE FROM doctors WHERE status = 'provisioning' AND created_at < ?", [cutoff])
    }

    // MARK: Idempotency of AddDoctor

    static func createdDoctor(caller: String, requestID: String, since: Date, _ db: Connection) throws -> String? {
        try db.queryFirst(
            "SELECT doctor_id FROM doctor_creations WHERE caller = ? AND request_id = ? AND created_at >= ?",
            [caller, requestID, since]
        ).map { try $0.get("doctor_id") }
    }

    static func recordCreation(caller: String, requestID: String, doctorID: String, now: Date, _ db: Connection) throws {
        try db.execute(
            "INSERT OR REPLACE INTO doctor_creations (caller, request_id, doctor_id, created_at) VALUES (?, ?, ?, ?)",
            [caller, requestID, doctorID, now])
    }

    // MARK: Listing

    /// One page of `query` (one more row than `limit` tells whether another page follows).
    static func list(_ query: DoctorListQuery, _ db: Connection) throws -> [DoctorRecord] {
        var sql = "SELECT \(columns) FROM doctors d WHERE "
        var bindings: [any SQLBindable] = []
        sql += query.includeRemoved ? "d.status IN ('active', 'removed')" : "d.status = 'active'"
        if let code = query.specialtyCode {
            sql += " AND EXISTS (SELECT 1 FROM doctor_specialties s WHERE s.doctor_id = d.id AND s.code = ?)"
            bindings.append(code)
        }
        if query.onlineBookingOnly { sql += " AND d.online_booking = 1" }
        if let prefix = query.namePrefix {
            // A prefix of a word of the folded family or given name ("cla" finds Marie-Claire).
            sql += " AND instr(' ' || d.family_key || ' ' || d.given_key, ?) > 0"
            bindings.append(" " + prefix)
        }
        if let after = query.after {
            sql += " AND (d.family_key, d.given_key, d.id) > (?, ?, ?)"
            bindings += [after.familyKey, after.givenKey, after.id]
        }
        sql += " ORDER BY d.family_key, d.given_key, d.id LIMIT ?"
        bindings.append(query.limit + 1)
        return try db.query(sql, bindings, as: decode)
    }

    // MARK: Rows

    private static func replaceSpecialties(_ record: DoctorRecord, _ db: Connection) throws {
        try db.execute("DELETE FROM doctor_specialties WHERE doctor_id = ?", [record.id])
        for code in record.details.specialtyCodes {
            try db.execute("INSERT OR IGNORE INTO doctor_specialties (doctor_id, code) VALUES (?, ?)", [record.id, code])
        }
    }

    private static func decode(_ row: Row) throws -> DoctorRecord {
        let bytes: [UInt8] = try row.get("details")
        guard let status = DoctorRecord.Status(rawValue: try row.get("status")) else {
            throw StorageError(.typeMismatch, "doctors.status holds an unknown value")
        }
        return DoctorRecord(
            id: try row.get("id"), status: status, accountID: try row.get("account_id"), emailKey: try row.get("email_key"),
            accountRequestID: try row.get("account_request_id"), details: try Clinic_Doctors_V1_Doctor(serializedBytes: bytes),
            version: try row.get("version"), createdAt: try row.get("created_at"), updatedAt: try row.get("updated_at"),
            removedAt: try row.get("removed_at"), claimedUntil: try row.get("claimed_until"))
    }
}

/// What ListDoctors asks the store for.
struct DoctorListQuery: Sendable {
    var includeRemoved = false
    var specialtyCode: String?
    var onlineBookingOnly = false
    /// A folded name prefix.
    var namePrefix: String?
    /// Keyset cursor: the last row of the previous page.
    var after: (familyKey: String, givenKey: String, id: String)?
    var limit: Int
}

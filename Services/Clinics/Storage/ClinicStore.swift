import ClinicAPI
import Foundation
import ProtoRuntime
import Storage

/// SQL over `clinics`, `clinic_specialties` and `clinic_search`; runs inside the caller's
/// transaction (every function takes the connection).
enum ClinicStore {
    private static let columns = """
        c.id, c.status, c.details, c.version, c.created_at, c.updated_at, c.deleted_at,
        c.account_request_id, c.admin_email_key, c.admin_account_id, c.claimed_until, c.access_pending
        """

    static func find(id: String, _ db: Connection) throws -> ClinicRecord? {
        try db.queryFirst("SELECT \(columns) FROM clinics c WHERE c.id = ?", [id], as: decode)
    }

    /// The clinic with the same folded name and address, in any state.
    static func find(nameKey: String, addressKey: String, _ db: Connection) throws -> ClinicRecord? {
        try db.queryFirst(
            "SELECT \(columns) FROM clinics c WHERE c.name_key = ? AND c.address_key = ?", [nameKey, addressKey],
            as: decode)
    }

    /// Another clinic (not `id`) with the same folded name and address.
    static func duplicate(of record: ClinicRecord, _ db: Connection) throws -> ClinicRecord? {
        try db.queryFirst(
            "SELECT \(columns) FROM clinics c WHERE c.name_key = ? AND c.address_key = ? AND c.id <> ?",
            [record.nameKey, record.addressKey, record.id], as: decode)
    }

    static func insert(_ record: ClinicRecord, _ db: Connection) throws {
        try db.execute(
            """
            INSERT INTO clinics (id, status, display_name, name_key, address_key, locality_key, region_code, time_zone,
                                 details, version, created_at, updated_at, deleted_at, account_request_id,
                                 admin_email_key, admin_account_id, claimed_until, access_pending)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                record.id, record.status.rawValue, record.details.displayName, record.nameKey, record.addressKey,
                record.localityKey, record.details.address?.regionCode ?? "", record.details.timeZone,
                try record.details.serializedBytes(), record.version, record.createdAt, record.updatedAt,
                record.deletedAt, record.accountRequestID, record.adminEmailKey, record.adminAccountID, record.claimedUntil,
                record.accessPending ? 1 : 0,
            ])
        try replaceIndexes(record, db)
    }

    static func update(_ record: ClinicRecord, _ db: Connection) throws {
        try db.execute(
            """
            UPDATE clinics SET status = ?, display_name = ?, name_key = ?, address_key = ?, locality_key = ?,
                               region_code = ?, time_zone = ?, details = ?, version = ?, updated_at = ?,
                               deleted_at = ?, admin_account_id = ?, claimed_until = ?, access_pending = ?
            WHERE id = ?
            """,
            [
                record.status.rawValue, record.details.displayName, record.nameKey, record.addressKey,
                record.localityKey, record.details.address?.regionCode ?? "", record.details.timeZone,
                try record.details.serializedBytes(), record.version, record.updatedAt, record.deletedAt,
                record.adminAccountID, record.claimedUntil, record.accessPending ? 1 : 0, record.id,
            ])
        try replaceIndexes(record, db)
    }

    /// Removes a clinic that never became visible (a failed creation) with its indexes.
    static func deleteProvisioning(id: String, _ db: Connection) throws {
        try db.execute("DELETE FROM clinic_search WHERE clinic_id = ?", [id])
        try db.execute("DELETE FROM clinic_creations WHERE clinic_id = ?", [id])
        try db.execute("DELETE FROM clinics WHERE id = ? AND status = 'provisioning'", [id])
    }

    /// Ends the claim of the attempt creating clinic `id`, so that a retry may resume it at once.
    static func releaseClaim(id: String, _ db: Connection) throws {
        try db.execute("UPDATE clinics SET claimed_until = NULL WHERE id = ? AND status = 'provisioning'", [id])
    }

    /// Clinics still provisioning since before `cutoff` (abandoned creations).
    static func provisioning(before cutoff: Date, _ db: Connection) throws -> [ClinicRecord] {
        try db.query(
            "SELECT \(columns) FROM clinics c WHERE c.status = 'provisioning' AND c.created_at < ?", [cutoff], as: decode)
    }

    // MARK: The staff access saga (DeleteClinic, UndeleteClinic)

    /// Clinics whose staff access change the auth service has not confirmed yet.
    static func accessPending(_ db: Connection) throws -> [ClinicRecord] {
        try db.query("SELECT \(columns) FROM clinics c WHERE c.access_pending = 1 ORDER BY c.id", as: decode)
    }

    /// Marks the change of `id` at `version` as confirmed (a newer change stays pending).
    static func confirmAccess(id: String, version: Int64, _ db: Connection) throws {
        try db.execute("UPDATE clinics SET access_pending = 0 WHERE id = ? AND version = ?", [id, version])
    }

    // MARK: Idempotency of CreateClinic

    static func createdClinic(caller: String, requestID: String, since: Date, _ db: Connection) throws -> String? {
        try db.queryFirst(
            "SELECT clinic_id FROM clinic_creations WHERE caller = ? AND request_id = ? AND created_at >= ?",
            [caller, requestID, since]
        ).map { try $0.get("clinic_id") }
    }

    static func recordCreation(caller: String, requestID: String, clinicID: String, now: Date, _ db: Connection) throws {
        try db.execute(
            "INSERT OR REPLACE INTO clinic_creations (caller, request_id, clinic_id, created_at) VALUES (?, ?, ?, ?)",
            [caller, requestID, clinicID, now])
    }

    // MARK: Listing and search

    /// One page of `query` (one more row than `limit` tells whether another page follows).
    static func list(_ query: ClinicListQuery, _ db: Connection) throws -> [ClinicRecord] {
        var sql = "SELECT \(columns) FROM clinics c WHERE "
        var bindings: [any SQLBindable] = []
        sql += query.includeDeleted ? "c.status IN ('active', 'deleted')" : "c.status = 'active'"
        if let code = query.specialtyCode {
            sql += " AND EXISTS (SELECT 1 FROM clinic_specialties s WHERE s.clinic_id = c.id AND s.code = ?)"
            bindings.append(code)
        }
        if let locality = query.localityKey {
            sql += " AND c.locality_key = ?"
            bindings.append(locality)
        }
        if let region = query.regionCode {
            sql += " AND c.region_code = ?"
            bindings.append(region)
        }
        if let after = query.after {
            sql += " AND (c.name_key > ? OR (c.name_key = ? AND c.id > ?))"
            bindings += [after.nameKey, after.nameKey, after.id]
        }
        sql += " ORDER BY c.name_key, c.id LIMIT ?"
        bindings.append(query.limit + 1)
        return try db.query(sql, bindings, as: decode)
    }

    /// Active clinics matching an FTS5 `match` expression, best first, from `offset`.
    static func search(_ query: ClinicSearchQuery, _ db: Connection) throws -> [ClinicRecord] {
        var sql = """
            SELECT \(columns) FROM clinic_search
            JOIN clinics c ON c.id = clinic_search.clinic_id
            WHERE clinic_search MATCH ? AND c.status = 'active'
            """
        var bindings: [any SQLBindable] = [query.match]
        if let code = query.specialtyCode {
            sql += " AND EXISTS (SELECT 1 FROM clinic_specialties s WHERE s.clinic_id = c.id AND s.code = ?)"
            bindings.append(code)
        }
        if let region = query.regionCode {
            sql += " AND c.region_code = ?"
            bindings.append(region)
        }
        // The name weighs more than the address; ties in a stable order so pages do not overlap.
        sql += " ORDER BY bm25(clinic_search, 0.0, 4.0, 1.0), c.name_key, c.id LIMIT ? OFFSET ?"
        bindings += [query.limit + 1, query.offset]
        return try db.query(sql, bindings, as: decode)
    }

    // MARK: Rows

    private static func replaceIndexes(_ record: ClinicRecord, _ db: Connection) throws {
        try db.execute("DELETE FROM clinic_specialties WHERE clinic_id = ?", [record.id])
        for code in record.details.specialtyCodes {
            try db.execute("INSERT OR IGNORE INTO clinic_specialties (clinic_id, code) VALUES (?, ?)", [record.id, code])
        }
        try db.execute("DELETE FROM clinic_search WHERE clinic_id = ?", [record.id])
        guard record.status != .provisioning else { return }
        try db.execute(
            "INSERT INTO clinic_search (clinic_id, name, address) VALUES (?, ?, ?)",
            [record.id, record.details.displayName, record.searchableAddress])
    }

    private static func decode(_ row: Row) throws -> ClinicRecord {
        let bytes: [UInt8] = try row.get("details")
        guard let status = ClinicRecord.Status(rawValue: try row.get("status")) else {
            throw StorageError(.typeMismatch, "clinics.status holds an unknown value")
        }
        return ClinicRecord(
            id: try row.get("id"), status: status, details: try Clinic_Clinics_V1_Clinic(serializedBytes: bytes),
            version: try row.get("version"), createdAt: try row.get("created_at"), updatedAt: try row.get("updated_at"),
            deletedAt: try row.get("deleted_at"), accountRequestID: try row.get("account_request_id"),
            adminEmailKey: try row.get("admin_email_key"), adminAccountID: try row.get("admin_account_id"),
            claimedUntil: try row.get("claimed_until"), accessPending: try row.get("access_pending", as: Int.self) != 0)
    }
}

/// What ListClinics asks the store for.
struct ClinicListQuery: Sendable {
    var includeDeleted = false
    var specialtyCode: String?
    var localityKey: String?
    var regionCode: String?
    /// Keyset cursor: the last row of the previous page.
    var after: (nameKey: String, id: String)?
    var limit: Int
}

/// What SearchClinics asks the store for.
struct ClinicSearchQuery: Sendable {
    /// An FTS5 query expression (built by `SearchText`, never raw user input).
    var match: String
    var specialtyCode: String?
    var regionCode: String?
    var offset: Int
    var limit: Int
}

import Foundation
import Storage

/// Whether a clinic's staff may log in, as the clinics service last set it (`clinic_access`).
struct ClinicAccessRecord: Sendable, Hashable {
    var clinicID: String
    var enabled: Bool
    var generation: Int64
}

/// The SQL for `clinic_access` and the sessions it ends.
enum ClinicAccessStore {
    static func find(clinicID: String, _ db: Connection) throws -> ClinicAccessRecord? {
        try db.queryFirst(
            "SELECT clinic_id, enabled, generation FROM clinic_access WHERE clinic_id = ?", [clinicID]
        ) { row in
            ClinicAccessRecord(
                clinicID: try row.get("clinic_id"), enabled: try row.get("enabled", as: Int.self) != 0,
                generation: try row.get("generation"))
        }
    }

    /// Whether accounts of `clinicID` are locked out (nil, an account of no clinic, never is).
    static func isDisabled(_ clinicID: String?, _ db: Connection) throws -> Bool {
        guard let clinicID else { return false }
        return try find(clinicID: clinicID, db).map { !$0.enabled } ?? false
    }

    static func save(_ record: ClinicAccessRecord, now: Date, _ db: Connection) throws {
        try db.execute(
            """
            INSERT INTO clinic_access (clinic_id, enabled, generation, changed_ms) VALUES (?, ?, ?, ?)
            ON CONFLICT (clinic_id) DO UPDATE SET
                enabled = excluded.enabled, generation = excluded.generation, changed_ms = excluded.changed_ms
            """,
            [record.clinicID, record.enabled ? 1 : 0, record.generation, now])
    }

    /// Revokes every open session of every account of `clinicID`; returns how many.
    static func revokeSessions(clinicID: String, now: Date, _ db: Connection) throws -> Int {
        try db.execute(
            """
            UPDATE sessions SET revoked_ms = ?, revoke_reason = 'clinic deleted'
            WHERE revoked_ms IS NULL AND account_id IN (SELECT id FROM accounts WHERE clinic_id = ?)
            """,
            [now, clinicID])
    }
}

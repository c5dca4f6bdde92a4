import ClinicAPI
import Foundation
import Storage

/// SQL over the specialty catalog.
enum SpecialtyStore {
    static func insert(_ specialty: Clinic_Clinics_V1_Specialty, now: Date, _ db: Connection) throws {
        try db.execute(
            "INSERT INTO specialties (code, display_name, description, created_at) VALUES (?, ?, ?, ?)",
            [specialty.code, specialty.displayName, specialty.description, now])
    }

    /// Specialties ordered by code, after `afterCode` when set (one more than `limit` tells
    /// whether another page follows).
    static func list(after afterCode: String?, limit: Int, _ db: Connection) throws -> [Clinic_Clinics_V1_Specialty] {
        try db.query(
            "SELECT code, display_name, description FROM specialties WHERE code > ? ORDER BY code LIMIT ?",
            [afterCode ?? "", limit + 1]
        ) { row in
            var specialty = Clinic_Clinics_V1_Specialty()
            specialty.code = try row.get("code")
            specialty.displayName = try row.get("display_name")
            specialty.description = try row.get("description")
            return specialty
        }
    }

    /// The first of `codes` that is not in the catalog.
    static func firstUnknown(_ codes: [String], _ db: Connection) throws -> (index: Int, code: String)? {
        for (index, code) in codes.enumerated() {
            let known = try db.queryFirst("SELECT 1 FROM specialties WHERE code = ?", [code]) != nil
            if !known { return (index, code) }
        }
        return nil
    }
}

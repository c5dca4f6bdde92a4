import ClinicAPI
import Foundation
import ProtoRuntime
import Storage

/// A doctor's stored weekly availability.
struct StoredAvailability: Sendable, Equatable {
    var windows: [WeeklyWindow]
    /// 0 while never set.
    var version: Int64
    var updatedAt: Date?

    /// The etag clients pass back to detect concurrent changes.
    var etag: String { "v\(version)" }
}

/// A stored availability exception.
struct ExceptionRecord: Sendable, Equatable {
    enum Kind: String, Sendable {
        case timeOff = "time_off"
        case extraHours = "extra_hours"
    }

    var id: String
    var doctorID: String
    var kind: Kind
    var span: TimeSpan
    /// Slot length of extra hours; 0 for time off.
    var slotSeconds: Int
    var reason: String
    var creator: Clinic_Common_V1_Actor
    var createdAt: Date
}

/// SQL over `availability`, `availability_windows` and `availability_exceptions`.
enum AvailabilityStore {
    static func availability(doctorID: String, _ db: Connection) throws -> StoredAvailability {
        let windows = try db.query(
            "SELECT weekday, start_second, end_second, slot_seconds FROM availability_windows WHERE doctor_id = ? ORDER BY weekday, start_second",
            [doctorID]
        ) { row in
            WeeklyWindow(
                weekday: try row.get("weekday"), start: try row.get("start_second"), end: try row.get("end_second"),
                slot: try row.get("slot_seconds"))
        }
        let row = try db.queryFirst("SELECT version, updated_at FROM availability WHERE doctor_id = ?", [doctorID])
        return StoredAvailability(
            windows: windows, version: try row?.get("version") ?? 0, updatedAt: try row?.get("updated_at", as: Date?.self))
    }

    /// Replaces the windows and bumps the version.
    static func replace(doctorID: String, windows: [WeeklyWindow], version: Int64, now: Date, _ db: Connection) throws {
        try db.execute("DELETE FROM availability_windows WHERE doctor_id = ?", [doctorID])
        for window in windows {
            try db.execute(
                "INSERT INTO availability_windows (doctor_id, weekday, start_second, end_second, slot_seconds) VALUES (?, ?, ?, ?, ?)",
                [doctorID, window.weekday, window.start, window.end, window.slot])
        }
        try db.execute(
            "INSERT INTO availability (doctor_id, version, updated_at) VALUES (?, ?, ?) ON CONFLICT (doctor_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
            [doctorID, version, now])
    }

    // MARK: Exceptions

    private static let exceptionColumns = "id, doctor_id, kind, start_at, end_at, slot_seconds, reason, creator, created_at"

    static func insert(_ exception: ExceptionRecord, _ db: Connection) throws {
        try db.execute(
            "INSERT INTO availability_exceptions (\(exceptionColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                exception.id, exception.doctorID, exception.kind.rawValue, exception.span.start, exception.span.end,
                exception.slotSeconds, exception.reason, try exception.creator.serializedBytes(), exception.createdAt,
            ])
    }

    static func exception(id: String, doctorID: String, _ db: Connection) throws -> ExceptionRecord? {
        try db.queryFirst(
            "SELECT \(exceptionColumns) FROM availability_exceptions WHERE id = ? AND doctor_id = ?", [id, doctorID],
            as: decode)
    }

    static func deleteException(id: String, _ db: Connection) throws {
        try db.execute("DELETE FROM availability_exceptions WHERE id = ?", [id])
    }

    /// The doctor's exceptions overlapping `start ..< end` (nil: unbounded), in start order,
    /// of `kind` if set, after the keyset cursor if set, at most `limit` (nil: all).
    static func exceptions(
        doctorID: String, overlappingFrom start: Int64?, to end: Int64?, kind: ExceptionRecord.Kind? = nil,
        after: (start: Int64, id: String)? = nil, limit: Int? = nil, _ db: Connection
    ) throws -> [ExceptionRecord] {
        var sql = "SELECT \(exceptionColumns) FROM availability_exceptions WHERE doctor_id = ?"
        var bindings: [any SQLBindable] = [doctorID]
        if let start {
            sql += " AND end_at > ?"
            bindings.append(start)
        }
        if let end {
            sql += " AND start_at < ?"
            bindings.append(end)
        }
        if let kind {
            sql += " AND kind = ?"
            bindings.append(kind.rawValue)
        }
        if let after {
            sql += " AND (start_at, id) > (?, ?)"
            bindings += [after.start, after.id]
        }
        sql += " ORDER BY start_at, id"
        if let limit {
            sql += " LIMIT ?"
            bindings.append(limit)
        }
        return try db.query(sql, bindings, as: decode)
    }

    static func createdException(caller: String, requestID: String, since: Date, _ db: Connection) throws -> String? {
        try db.queryFirst(
            "SELECT exception_id FROM exception_creations WHERE caller = ? AND request_id = ? AND created_at >= ?",
            [caller, requestID, since]
        ).map { try $0.get("exception_id") }
    }

    static func recordCreation(caller: String, requestID: String, exceptionID: String, now: Date, _ db: Connection) throws {
        try db.execute(
            "INSERT OR REPLACE INTO exception_creations (caller, request_id, exception_id, created_at) VALUES (?, ?, ?, ?)",
            [caller, requestID, exceptionID, now])
    }

    private static func decode(_ row: Row) throws -> ExceptionRecord {
        guard let kind = ExceptionRecord.Kind(rawValue: try row.get("kind")) else {
            throw StorageError(.typeMismatch, "availability_exceptions.kind holds an unknown value")
        }
        let creator: [UInt8] = try row.get("creator")
        return ExceptionRecord(
            id: try row.get("id"), doctorID: try row.get("doctor_id"), kind: kind,
            span: TimeSpan(try row.get("start_at"), try row.get("end_at")), slotSeconds: try row.get("slot_seconds"),
            reason: try row.get("reason"), creator: try Clinic_Common_V1_Actor(serializedBytes: creator),
            createdAt: try row.get("created_at"))
    }
}

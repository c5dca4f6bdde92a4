import ClinicAPI
import Foundation
import ProtoRuntime
import Storage

/// The SQL for `appointments`. Every function runs inside a transaction its caller opened.
enum AppointmentStore {
    private static let columns = """
        id, patient_id, patient_account_id, patient_name, doctor_id, doctor_account_id, doctor_name,
        specialty_code, clinic_name, time_zone, start_ms, end_ms, status, reason_for_visit, channel, booker,
        cancellation, confirm_ms, check_in_ms, complete_ms, no_show_ms, reschedule_count, original_start_ms,
        consultation_id, created_ms, updated_ms, version
        """

    /// Inserts a new appointment. A slot-holding appointment of the same doctor at the same start
    /// fails with `uniqueViolation` (the no-double-booking index).
    static func insert(_ record: AppointmentRecord, _ db: Connection) throws {
        try db.execute(
            """
            INSERT INTO appointments (\(columns))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, try values(of: record))
    }

    /// Writes every column of `record` over its row (the same index applies to a moved start).
    static func update(_ record: AppointmentRecord, _ db: Connection) throws {
        var bindings = try values(of: record)
        let id = bindings.removeFirst()
        bindings.append(id)
        try db.execute(
            """
            UPDATE appointments SET patient_id = ?, patient_account_id = ?, patient_name = ?, doctor_id = ?,
                doctor_account_id = ?, doctor_name = ?, specialty_code = ?, clinic_name = ?, time_zone = ?,
                start_ms = ?, end_ms = ?, status = ?, reason_for_visit = ?, channel = ?, booker = ?, cancellation = ?,
                confirm_ms = ?, check_in_ms = ?, complete_ms = ?, no_show_ms = ?, reschedule_count = ?,
                original_start_ms = ?, consultation_id = ?, created_ms = ?, updated_ms = ?, version = ?
            WHERE id = ?
            """, bindings)
    }

    /// The appointment with `id`, if any.
    static func find(id: String, _ db: Connection) throws -> AppointmentRecord? {
        try db.queryFirst("SELECT \(columns) FROM appointments WHERE id = ?", [id], as: decode)
    }

    /// Whether a slot-holding appointment of `doctorID` other than `excluding` overlaps `span`
    /// (slot lengths may differ between windows, so equal starts are not the only collision).
    static func slotIsTaken(doctorID: String, span: TimeSpan, excluding: String?, _ db: Connection) throws -> Bool {
        let row = try db.queryFirst(
            """
            SELECT 1 FROM appointments
            WHERE doctor_id = ? AND status IN \(AppointmentStatus.slotHoldingSQL)
              AND start_ms < ? AND end_ms > ? AND id <> ?
            LIMIT 1
            """, [doctorID, span.end, span.start, excluding ?? ""])
        return row != nil
    }

    /// The slots held by `doctorID`'s appointments overlapping `span`.
    static func heldSlots(doctorID: String, span: TimeSpan, _ db: Connection) throws -> [TimeSpan] {
        // Appointments are at most a day long, so the start bound keeps the index range small.
        try db.query(
            """
            SELECT start_ms, end_ms FROM appointments
            WHERE doctor_id = ? AND start_ms >= ? AND start_ms < ? AND end_ms > ?
              AND status IN \(AppointmentStatus.slotHoldingSQL)
            ORDER BY start_ms
            """, [doctorID, span.start.addingTimeInterval(-86_400), span.end, span.start]
        ) { row in TimeSpan(start: try row.get("start_ms"), end: try row.get("end_ms")) }
    }

    /// A page of appointments matching `filter`, in its order, after `cursor`.
    static func list(_ filter: AppointmentFilter, after cursor: AppointmentCursor?, limit: Int, _ db: Connection) throws
        -> [AppointmentRecord]
    {
        var conditions: [String] = []
        var bindings: [any SQLBindable] = []
        if let doctorIDs = filter.doctorIDs {
            conditions.append("doctor_id IN (\(placeholders(doctorIDs.count)))")
            bindings += doctorIDs
        }
        if let doctorAccountID = filter.doctorAccountID {
            conditions.append("doctor_account_id = ?")
            bindings.append(doctorAccountID)
        }
        if let patientID = filter.patientID {
            conditions.append("patient_id = ?")
            bindings.append(patientID)
        }
        if let from = filter.startsFrom {
            conditions.append("start_ms >= ?")
            bindings.append(from)
        }
        if let before = filter.startsBefore {
            conditions.append("start_ms < ?")
            bindings.append(before)
        }
        if !filter.statuses.isEmpty {
            conditions.append("status IN (\(placeholders(filter.statuses.count)))")
            bindings += filter.statuses.map(\.rawValue).sorted()
        }
        let comparison = filter.newestFirst ? "<" : ">"
        if let cursor {
            conditions.append("(start_ms \(comparison) ? OR (start_ms = ? AND id \(comparison) ?))")
            bindings += [cursor.startMs, cursor.startMs, cursor.id] as [any SQLBindable]
        }
        let direction = filter.newestFirst ? "DESC" : "ASC"
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        bindings.append(limit)
        return try db.query(
            "SELECT \(columns) FROM appointments \(whereClause) ORDER BY start_ms \(direction), id \(direction) LIMIT ?",
            bindings, as: decode)
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: max(1, count)).joined(separator: ", ")
    }

    private static func values(of record: AppointmentRecord) throws -> [any SQLBindable] {
        [
            record.id, record.patientID, record.patientAccountID, record.patientName, record.doctorID,
            record.doctorAccountID, record.doctorName, record.specialtyCode, record.clinicName, record.timeZone,
            record.start, record.end, record.status.rawValue, record.reasonForVisit,
            record.bookedOnline ? "online" : "staff", try record.booker.serializedBytes(),
            try record.cancellation?.serializedBytes(), record.confirmedAt, record.checkedInAt, record.completedAt,
            record.noShowAt, record.rescheduleCount, record.originalStart, record.consultationID, record.createdAt,
            record.updatedAt, record.version,
        ]
    }

    private static func decode(_ row: Row) throws -> AppointmentRecord {
        let statusText: String = try row.get("status")
        guard let status = AppointmentStatus(rawValue: statusText) else {
            throw StorageError(.typeMismatch, "appointments.status holds an unknown status")
        }
        let booker: [UInt8] = try row.get("booker")
        let cancellation: [UInt8]? = try row.get("cancellation")
        return AppointmentRecord(
            id: try row.get("id"), patientID: try row.get("patient_id"),
            patientAccountID: try row.get("patient_account_id"), patientName: try row.get("patient_name"),
            doctorID: try row.get("doctor_id"), doctorAccountID: try row.get("doctor_account_id"),
            doctorName: try row.get("doctor_name"), specialtyCode: try row.get("specialty_code"),
            clinicName: try row.get("clinic_name"), timeZone: try row.get("time_zone"),
            start: try row.get("start_ms"), end: try row.get("end_ms"), status: status,
            reasonForVisit: try row.get("reason_for_visit"), bookedOnline: try row.get("channel") == "online",
            booker: try Clinic_Common_V1_Actor(serializedBytes: booker),
            cancellation: try cancellation.map { try Clinic_Appointments_V1_Cancellation(serializedBytes: $0) },
            confirmedAt: try row.get("confirm_ms"), checkedInAt: try row.get("check_in_ms"),
            completedAt: try row.get("complete_ms"), noShowAt: try row.get("no_show_ms"),
            rescheduleCount: try row.get("reschedule_count"), originalStart: try row.get("original_start_ms"),
            consultationID: try row.get("consultation_id"), createdAt: try row.get("created_ms"),
            updatedAt: try row.get("updated_ms"), version: try row.get("version"))
    }
}

/// Which appointments a list wants.
struct AppointmentFilter: Sendable, Hashable {
    var doctorIDs: [String]?
    var doctorAccountID: String?
    var patientID: String?
    var startsFrom: Date?
    var startsBefore: Date?
    var statuses: Set<AppointmentStatus> = []
    /// Most recent first instead of earliest first.
    var newestFirst = false
}

/// The position after the last appointment of a page, in (start, id) order.
struct AppointmentCursor: Codable, Sendable, Hashable {
    /// Start in unix milliseconds, as stored.
    var startMs: Int64
    var id: String
}

extension AppointmentRecord {
    /// The cursor just after this appointment.
    var cursor: AppointmentCursor {
        AppointmentCursor(startMs: Int64((start.timeIntervalSince1970 * 1000).rounded()), id: id)
    }
}

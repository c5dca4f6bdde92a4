import Foundation
import Storage

/// Idempotency keys of bookings: a retried BookAppointment with the same `request_id` from the same
/// caller returns the appointment the first attempt made instead of failing on its now-taken slot.
enum BookingRequests {
    /// How long a key is honoured.
    static let lifetime: TimeInterval = 24 * 3600

    /// The appointment an earlier request with this key made (within the lifetime), if any.
    static func find(caller: String, requestID: String, now: Date, _ db: Connection) throws -> AppointmentRecord? {
        guard
            let row = try db.queryFirst(
                "SELECT appointment_id, created_ms FROM booking_requests WHERE caller = ? AND request_id = ?",
                [caller, requestID])
        else { return nil }
        let created: Date = try row.get("created_ms")
        guard now.timeIntervalSince(created) < lifetime else { return nil }
        return try AppointmentStore.find(id: try row.get("appointment_id"), db)
    }

    /// Records that this key made `appointmentID` (replacing an expired record of the same key).
    static func record(caller: String, requestID: String, appointmentID: String, now: Date, _ db: Connection) throws {
        try db.execute(
            """
            INSERT INTO booking_requests (caller, request_id, appointment_id, created_ms) VALUES (?, ?, ?, ?)
            ON CONFLICT (caller, request_id) DO UPDATE SET appointment_id = excluded.appointment_id,
                created_ms = excluded.created_ms
            """, [caller, requestID, appointmentID, now])
    }
}

/// Identifiers of appointments: `apt_` and 32 hex digits of a random UUID, within FORMAT_ID.
enum AppointmentID {
    /// A new identifier.
    static func make() -> String {
        "apt_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}

import ClinicAPI
import Foundation
import ProtoRuntime
import Storage
import WellKnownTypes

/// One domain event as the outbox holds it.
struct OutboxEvent: Sendable, Equatable {
    /// Position in this clinic's outbox.
    let sequence: Int64
    /// The envelope, with `sequence` filled in.
    let event: Clinic_Events_V1_DomainEvent
}

/// The SQL for the outbox: events are appended in the transaction of the change they describe,
/// so an appointment is never booked, moved or cancelled without its event, nor the other way round.
enum AppointmentsOutbox {
    /// What the envelope of every event needs besides its payload.
    struct Envelope: Sendable {
        var clinicID: String
        var actor: Clinic_Common_V1_Actor
        var correlationID: String
        var now: Date
    }

    /// Appends an event carrying `payload` about `appointmentID`.
    static func append(
        _ payload: Clinic_Events_V1_DomainEvent.OneOf_Payload, appointmentID: String, envelope: Envelope, _ db: Connection
    ) throws {
        var event = Clinic_Events_V1_DomainEvent()
        event.eventId = UUID().uuidString.lowercased()
        event.eventType = payload.eventType
        event.clinicId = envelope.clinicID
        event.occurTime = Google_Protobuf_Timestamp(date: envelope.now)
        event.producer = "appointments"
        event.actor = envelope.actor
        event.correlationId = envelope.correlationID
        event.payload = payload
        // The sequence is the row's AUTOINCREMENT id, which SQLite never reuses (even after
        // delivered rows are purged): insert first, then store the envelope that names it.
        try db.execute(
            "INSERT INTO outbox (event_id, event_type, appointment_id, event, created_ms) VALUES (?, ?, ?, ?, ?)",
            [event.eventId, event.eventType, appointmentID, [UInt8](), envelope.now])
        let sequence = db.lastInsertRowID
        event.sequence = sequence
        try db.execute("UPDATE outbox SET event = ? WHERE sequence = ?", [try event.serializedBytes(), sequence])
    }

    /// Undelivered events, oldest first (for the event service of a later issue, and tests).
    static func pending(limit: Int, _ db: Connection) throws -> [OutboxEvent] {
        try db.query(
            "SELECT sequence, event FROM outbox WHERE delivered_ms IS NULL ORDER BY sequence LIMIT ?", [limit]
        ) { row in
            let bytes: [UInt8] = try row.get("event")
            return OutboxEvent(sequence: try row.get("sequence"), event: try Clinic_Events_V1_DomainEvent(serializedBytes: bytes))
        }
    }
}

extension Clinic_Events_V1_DomainEvent.OneOf_Payload {
    /// The full name of the payload message, the envelope's `event_type`.
    var eventType: String {
        switch self {
        case .appointmentBooked: "clinic.events.v1.AppointmentBooked"
        case .appointmentRescheduled: "clinic.events.v1.AppointmentRescheduled"
        case .appointmentCancelled: "clinic.events.v1.AppointmentCancelled"
        case .appointmentStatusChanged: "clinic.events.v1.AppointmentStatusChanged"
        default: "clinic.events.v1.Unknown"
        }
    }
}

import ClinicAPI
import Foundation
import ProtoRuntime
import Storage
import WellKnownTypes

/// The outbox of the patients service's domain events (PatientRegistered in a clinic's database,
/// PatientProfileChanged in the platform database), written in the transaction of the change.
enum PatientsOutbox {
    /// Appends an event carrying `payload`; `clinicID` is empty for platform events.
    static func append(
        _ payload: Clinic_Events_V1_DomainEvent.OneOf_Payload, eventType: String, clinicID: String,
        actor: Clinic_Common_V1_Actor, correlationID: String, now: Date, _ db: Connection
    ) throws {
        var event = Clinic_Events_V1_DomainEvent()
        event.eventId = UUID().uuidString.lowercased()
        event.eventType = eventType
        event.clinicId = clinicID
        event.occurTime = Google_Protobuf_Timestamp(date: now)
        event.producer = "patients"
        event.actor = actor
        event.correlationId = correlationID
        event.payload = payload
        // The sequence is the row's AUTOINCREMENT id (never reused): insert, then store the envelope naming it.
        try db.execute(
            "INSERT INTO outbox (event_id, event_type, event, created_ms) VALUES (?, ?, ?, ?)",
            [event.eventId, eventType, [UInt8](), now])
        event.sequence = db.lastInsertRowID
        try db.execute("UPDATE outbox SET event = ? WHERE sequence = ?", [try event.serializedBytes(), event.sequence])
    }

    /// Undelivered events, oldest first.
    static func pending(limit: Int, _ db: Connection) throws -> [Clinic_Events_V1_DomainEvent] {
        try db.query("SELECT event FROM outbox WHERE delivered_ms IS NULL ORDER BY sequence LIMIT ?", [limit]) { row in
            try Clinic_Events_V1_DomainEvent(serializedBytes: try row.get("event", as: [UInt8].self))
        }
    }
}

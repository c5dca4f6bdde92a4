import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore
import Storage
import WellKnownTypes

/// Who is accessing medical data, through which call, and when: the part of an audit line that
/// comes from the call itself (the verified caller, never a request field).
struct AuditStamp: Sendable {
    var actor: Clinic_Common_V1_Actor
    var method: String
    var requestID: String
    var clientAddress: String
    var now: Date
}

/// One access to audit: what was done to whose data.
struct AuditAccess: Sendable {
    var action: Clinic_Patients_V1_AuditAction
    var patientID: String
    /// The resource as a path, e.g. `patients/p1/record/entries/e7`.
    var resource: String
}

/// The SQL for `audit_events`, the append-only audit log of a clinic: triggers abort every
/// UPDATE and DELETE, so a line once written stays as written.
enum AuditLog {
    /// Appends one line.
    static func append(_ access: AuditAccess, outcome: Clinic_Patients_V1_AuditOutcome, stamp: AuditStamp, _ db: Connection) throws {
        try db.execute(
            """
            INSERT INTO audit_events (occur_ms, actor, actor_account_id, action, outcome, patient_id, resource, method,
                request_id, client_address)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [stamp.now, try stamp.actor.serializedBytes(), stamp.actor.accountId, Int(access.action.protoNumber),
             Int(outcome.protoNumber), access.patientID, access.resource, stamp.method, stamp.requestID, stamp.clientAddress])
    }

    /// The outcome to record for a call that failed with `error`: refused by authorization
    /// (`not_found` for data the caller may not see, `permission_denied`) or failed otherwise.
    static func outcome(for error: any Error) -> Clinic_Patients_V1_AuditOutcome {
        guard let error = error as? RPCError else { return .failed }
        switch error.code {
        case .notFound, .permissionDenied, .unauthenticated: return .denied
        default: return .failed
        }
    }

    /// A page of audit events, newest first, matching `filter`, after `cursor` (an event id).
    static func list(_ filter: AuditFilter, after cursor: Int64?, limit: Int, _ db: Connection) throws -> [Clinic_Patients_V1_AuditEvent] {
        var conditions: [String] = []
        var bindings: [any SQLBindable] = []
        if let patientID = filter.patientID {
            conditions.append("patient_id = ?")
            bindings.append(patientID)
        }
        if let actor = filter.actorAccountID {
            conditions.append("actor_account_id = ?")
            bindings.append(actor)
        }
        if !filter.actions.isEmpty {
            conditions.append("action IN (\(filter.actions.map { _ in "?" }.joined(separator: ", ")))")
            bindings += filter.actions.sorted()
        }
        if let outcome = filter.outcome {
            conditions.append("outcome = ?")
            bindings.append(outcome)
        }
        if let from = filter.from {
            conditions.append("occur_ms >= ?")
            bindings.append(from)
        }
        if let before = filter.before {
            conditions.append("occur_ms < ?")
            bindings.append(before)
        }
        if let cursor {
            conditions.append("id < ?")
            bindings.append(cursor)
        }
        bindings.append(limit)
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try db.query(
            """
            SELECT id, occur_ms, actor, action, outcome, patient_id, resource, method, request_id, client_address
            FROM audit_events \(whereClause) ORDER BY id DESC LIMIT ?
            """, bindings
        ) { row in
            var event = Clinic_Patients_V1_AuditEvent()
            event.id = String(try row.get("id", as: Int64.self))
            event.occurTime = Google_Protobuf_Timestamp(date: try row.get("occur_ms", as: Date.self))
            event.actor = try Clinic_Common_V1_Actor(serializedBytes: try row.get("actor", as: [UInt8].self))
            event.action = Clinic_Patients_V1_AuditAction(protoNumber: try row.get("action"))
            event.outcome = Clinic_Patients_V1_AuditOutcome(protoNumber: try row.get("outcome"))
            event.patientId = try row.get("patient_id")
            event.resource = try row.get("resource")
            event.method = try row.get("method")
            event.requestId = try row.get("request_id")
            event.clientAddress = try row.get("client_address")
            return event
        }
    }
}

/// Which audit events a listing wants.
struct AuditFilter: Sendable, Hashable {
    var patientID: String?
    var actorAccountID: String?
    var actions: Set<Int> = []
    var outcome: Int?
    var from: Date?
    var before: Date?
}

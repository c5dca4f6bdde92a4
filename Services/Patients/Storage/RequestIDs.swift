import Foundation
import ProtoRuntime
import Storage

/// Idempotency keys: the first answer to a request with a `request_id`, returned again when the
/// same caller retries the same method with the same key within a day.
enum RequestIDs {
    /// How long a key is honoured.
    static let lifetime: TimeInterval = 24 * 3600

    /// The earlier answer to this key, if any and still fresh.
    static func find<Response: ProtoMessage>(
        _ type: Response.Type, scope: String, caller: String, requestID: String, now: Date, _ db: Connection
    ) throws -> Response? {
        guard !requestID.isEmpty,
            let row = try db.queryFirst(
                "SELECT response, created_ms FROM request_ids WHERE scope = ? AND caller = ? AND request_id = ?",
                [scope, caller, requestID])
        else { return nil }
        let created: Date = try row.get("created_ms")
        guard now.timeIntervalSince(created) < lifetime else { return nil }
        return try Response(serializedBytes: try row.get("response", as: [UInt8].self))
    }

    /// Records `response` as the answer to this key (replacing an expired record of it).
    static func record(
        _ response: some ProtoMessage, scope: String, caller: String, requestID: String, now: Date, _ db: Connection
    ) throws {
        guard !requestID.isEmpty else { return }
        try db.execute(
            """
            INSERT INTO request_ids (scope, caller, request_id, response, created_ms) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (scope, caller, request_id) DO UPDATE SET response = excluded.response,
                created_ms = excluded.created_ms
            """, [scope, caller, requestID, try response.serializedBytes(), now])
    }
}

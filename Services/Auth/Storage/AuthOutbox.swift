package import ClinicAPI
package import Foundation
import ProtoRuntime
import Storage

/// A message the auth service wrote for the notification service to deliver (an invitation, a
/// reset link, a security alert), in the same transaction as the change it is about.
package struct AuthOutboxMessage: Sendable {
    /// Position in the outbox.
    package let id: Int64
    /// `auth.password_reset`, `auth.invitation` or `auth.security_alert`.
    package let kind: String
    /// The account it goes to.
    package let accountID: String
    /// What to publish (`NotificationService.PublishNotification`). The body holds the link:
    /// a secret until it is delivered.
    package let notification: Clinic_Notifications_V1_PublishNotificationRequest
    /// When it was written.
    package let createdAt: Date
}

/// The SQL for the outbox.
enum AuthOutboxStore {
    static func append(
        kind: String, accountID: String, notification: Clinic_Notifications_V1_PublishNotificationRequest, now: Date,
        _ db: Connection
    ) throws {
        try db.execute(
            "INSERT INTO outbox (kind, account_id, payload, created_ms) VALUES (?, ?, ?, ?)",
            [kind, accountID, try notification.serializedBytes(), now])
    }

    static func pending(limit: Int, _ db: Connection) throws -> [AuthOutboxMessage] {
        try db.query(
            "SELECT id, kind, account_id, payload, created_ms FROM outbox WHERE delivered_ms IS NULL ORDER BY id LIMIT ?",
            [limit]
        ) { row in
            let payload: [UInt8] = try row.get("payload")
            return AuthOutboxMessage(
                id: try row.get("id"), kind: try row.get("kind"), accountID: try row.get("account_id"),
                notification: try Clinic_Notifications_V1_PublishNotificationRequest(serializedBytes: payload),
                createdAt: try row.get("created_ms"))
        }
    }

    static func markDelivered(ids: [Int64], now: Date, _ db: Connection) throws {
        for id in ids {
            try db.execute("UPDATE outbox SET delivered_ms = ? WHERE id = ? AND delivered_ms IS NULL", [now, id])
        }
    }
}

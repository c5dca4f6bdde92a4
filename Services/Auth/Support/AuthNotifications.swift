import ClinicAPI
import Foundation
import Platform
import Storage

/// The notifications the auth service queues in its outbox (delivered by the notification service).
enum AuthNotifications {
    /// A set-password link: `kind` reset or invitation.
    static func link(
        purpose: LinkTokenPurpose, accountID: String, token: Redacted<String>, baseURL: String, validFor: Duration
    ) -> (kind: String, notification: Clinic_Notifications_V1_PublishNotificationRequest) {
        var request = Clinic_Notifications_V1_PublishNotificationRequest()
        request.recipientAccountIds = [accountID]
        request.resource = "accounts/\(accountID)"
        let validity = describe(validFor)
        switch purpose {
        case .reset:
            let url = "\(baseURL)/reset-password?token=\(token.value)"
            request.kind = .passwordReset
            request.title = "Reset your password"
            request.body = "Someone asked to reset the password of your account. To choose a new one, open \(url) within \(validity). If it was not you, ignore this message."
            request.dedupeKey = "auth/reset/\(Self.tag(token))"
            return ("auth.password_reset", request)
        case .invitation:
            let url = "\(baseURL)/activate?token=\(token.value)"
            request.kind = .accountInvitation
            request.title = "Your account is ready"
            request.body = "An account was created for you. To choose your password and activate it, open \(url) within \(validity)."
            request.dedupeKey = "auth/invitation/\(Self.tag(token))"
            return ("auth.invitation", request)
        }
    }

    /// A security alert (password changed, e-mail changed, account locked).
    static func securityAlert(accountID: String, title: String, body: String, now: Date) -> Clinic_Notifications_V1_PublishNotificationRequest {
        var request = Clinic_Notifications_V1_PublishNotificationRequest()
        request.recipientAccountIds = [accountID]
        request.resource = "accounts/\(accountID)"
        request.kind = .securityAlert
        request.title = title
        request.body = body
        request.dedupeKey = "auth/alert/\(accountID)/\(Int64(now.timeIntervalSince1970 * 1000))/\(title.count)"
        return request
    }

    /// Appends a security alert to the outbox.
    static func appendAlert(accountID: String, title: String, body: String, now: Date, _ db: Connection) throws {
        try AuthOutboxStore.append(
            kind: "auth.security_alert", accountID: accountID,
            notification: securityAlert(accountID: accountID, title: title, body: body, now: now), now: now, db)
    }

    /// "30 minutes", "48 hours", "7 days".
    static func describe(_ duration: Duration) -> String {
        let minutes = duration.components.seconds / 60
        if minutes >= 3 * 24 * 60 { return "\(minutes / (24 * 60)) days" }
        if minutes >= 120 { return "\(minutes / 60) hours" }
        return "\(minutes) minutes"
    }

    /// A short public tag of a token for dedupe keys (its hash, never the token).
    private static func tag(_ token: Redacted<String>) -> String {
        SecretToken.hash(token.value).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}

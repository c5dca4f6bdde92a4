import Foundation
import Storage

/// What a single-use link token is for.
enum LinkTokenPurpose: String, Sendable {
    /// Forgot-password link.
    case reset
    /// Set-your-password link of an account created without a password.
    case invitation
}

/// One row of `reset_tokens`.
struct ResetTokenRecord: Sendable, Hashable {
    var tokenHash: [UInt8]
    var accountID: String
    var purpose: LinkTokenPurpose
    var createdAt: Date
    var expiresAt: Date
    var usedAt: Date?

    init(tokenHash: [UInt8], accountID: String, purpose: LinkTokenPurpose, createdAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.accountID = accountID
        self.purpose = purpose
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    init(row: Row) throws {
        tokenHash = try row.get("token_hash")
        accountID = try row.get("account_id")
        purpose = LinkTokenPurpose(rawValue: try row.get("purpose")) ?? .reset
        createdAt = try row.get("created_ms")
        expiresAt = try row.get("expires_ms")
        usedAt = try row.get("used_ms")
    }

    /// Whether the token can still be used at `now`.
    func isUsable(at now: Date) -> Bool { usedAt == nil && now < expiresAt }
}

/// The SQL for reset and invitation tokens.
enum ResetTokenStore {
    static func insert(_ token: ResetTokenRecord, _ db: Connection) throws {
        try db.execute(
            "INSERT INTO reset_tokens (token_hash, account_id, purpose, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)",
            [token.tokenHash, token.accountID, token.purpose.rawValue, token.createdAt, token.expiresAt])
    }

    static func find(hash: [UInt8], _ db: Connection) throws -> ResetTokenRecord? {
        try db.queryFirst(
            "SELECT token_hash, account_id, purpose, created_ms, expires_ms, used_ms FROM reset_tokens WHERE token_hash = ?",
            [hash], as: ResetTokenRecord.init)
    }

    /// Uses up every open token of `accountID` (after a reset, a deletion, a new password).
    static func invalidateAll(accountID: String, now: Date, _ db: Connection) throws {
        try db.execute("UPDATE reset_tokens SET used_ms = ? WHERE account_id = ? AND used_ms IS NULL", [now, accountID])
    }

    /// Reset tokens made for `accountID` since `since` (rate limit).
    static func countCreated(accountID: String, since: Date, _ db: Connection) throws -> Int {
        try db.scalar("SELECT count(*) FROM reset_tokens WHERE account_id = ? AND created_ms >= ?", [accountID, since])
    }
}

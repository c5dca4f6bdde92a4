import Foundation
import Storage

/// One row of `sessions`: a login and every refresh token rotated from it (a token family).
struct SessionRecord: Sendable, Hashable {
    var id: String
    var accountID: String
    var createdAt: Date
    var expiresAt: Date
    var revokedAt: Date?

    init(id: String, accountID: String, createdAt: Date, expiresAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.accountID = accountID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    init(row: Row) throws {
        id = try row.get("id")
        accountID = try row.get("account_id")
        createdAt = try row.get("created_ms")
        expiresAt = try row.get("expires_ms")
        revokedAt = try row.get("revoked_ms")
    }
}

/// One row of `refresh_tokens`.
struct RefreshTokenRecord: Sendable, Hashable {
    var tokenHash: [UInt8]
    var sessionID: String
    var generation: Int
    var issuedAt: Date
    var expiresAt: Date
    var usedAt: Date?

    init(tokenHash: [UInt8], sessionID: String, generation: Int, issuedAt: Date, expiresAt: Date, usedAt: Date? = nil) {
        self.tokenHash = tokenHash
        self.sessionID = sessionID
        self.generation = generation
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }

    init(row: Row) throws {
        tokenHash = try row.get("token_hash")
        sessionID = try row.get("session_id")
        generation = try row.get("generation")
        issuedAt = try row.get("issued_ms")
        expiresAt = try row.get("expires_ms")
        usedAt = try row.get("used_ms")
    }
}

/// The SQL for sessions and refresh tokens.
enum SessionStore {
    static func insert(_ session: SessionRecord, _ db: Connection) throws {
        try db.execute(
            "INSERT INTO sessions (id, account_id, created_ms, expires_ms) VALUES (?, ?, ?, ?)",
            [session.id, session.accountID, session.createdAt, session.expiresAt])
    }

    static func find(id: String, _ db: Connection) throws -> SessionRecord? {
        try db.queryFirst(
            "SELECT id, account_id, created_ms, expires_ms, revoked_ms FROM sessions WHERE id = ?", [id],
            as: SessionRecord.init)
    }

    static func revoke(id: String, reason: String, now: Date, _ db: Connection) throws {
        try db.execute(
            "UPDATE sessions SET revoked_ms = ?, revoke_reason = ? WHERE id = ? AND revoked_ms IS NULL", [now, reason, id])
    }

    /// Revokes every open session of `accountID` but `keeping` (if given); returns how many.
    @discardableResult
    static func revokeAll(accountID: String, keeping: String? = nil, reason: String, now: Date, _ db: Connection) throws -> Int {
        try db.execute(
            """
            UPDATE sessions SET revoked_ms = ?, revoke_reason = ?
            WHERE account_id = ? AND revoked_ms IS NULL AND id != ?
            """, [now, reason, accountID, keeping ?? ""])
    }

    static func insert(_ token: RefreshTokenRecord, _ db: Connection) throws {
        try db.execute(
            "INSERT INTO refresh_tokens (token_hash, session_id, generation, issued_ms, expires_ms) VALUES (?, ?, ?, ?, ?)",
            [token.tokenHash, token.sessionID, token.generation, token.issuedAt, token.expiresAt])
    }

    static func findToken(hash: [UInt8], _ db: Connection) throws -> RefreshTokenRecord? {
        try db.queryFirst(
            "SELECT token_hash, session_id, generation, issued_ms, expires_ms, used_ms FROM refresh_tokens WHERE token_hash = ?",
            [hash], as: RefreshTokenRecord.init)
    }

    static func markUsed(hash: [UInt8], now: Date, _ db: Connection) throws {
        try db.execute("UPDATE refresh_tokens SET used_ms = ? WHERE token_hash = ? AND used_ms IS NULL", [now, hash])
    }
}

import Foundation
import Platform
import Storage

/// The SQL for accounts. Synchronous functions on a `Connection`, run inside
/// `Database.read`/`write` closures; one function per question the handlers ask.
enum AccountStore {
    static func insert(_ account: AccountRecord, _ db: Connection) throws {
        try db.execute(
            """
            INSERT INTO accounts (\(AccountRecord.columns), email_key, search_text)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, account.bindings)
    }

    /// Writes every column of `account` (bumping nothing: callers set `version`).
    static func update(_ account: AccountRecord, _ db: Connection) throws {
        var bindings = Array(account.bindings.dropFirst())
        bindings.append(account.id)
        try db.execute(
            """
            UPDATE accounts SET email = ?, given_name = ?, family_name = ?, name_prefix = ?, roles = ?, clinic_id = ?,
                status = ?, status_before_delete = ?, email_verified = ?, password_hash = ?, failed_logins = ?,
                locked_until_ms = ?, phone = ?, language_code = ?, time_zone = ?, created_ms = ?, updated_ms = ?,
                deleted_ms = ?, last_login_ms = ?, version = ?, email_key = ?, search_text = ?
            WHERE id = ?
            """, bindings)
    }

    static func find(id: String, _ db: Connection) throws -> AccountRecord? {
        try db.queryFirst("SELECT \(AccountRecord.columns) FROM accounts WHERE id = ?", [id], as: AccountRecord.init)
    }

    static func find(emailKey: String, _ db: Connection) throws -> AccountRecord? {
        try db.queryFirst(
            "SELECT \(AccountRecord.columns) FROM accounts WHERE email_key = ?", [emailKey], as: AccountRecord.init)
    }

    /// Super admins that can still log in (or will once activated), other than `excluding`.
    static func activeSuperAdminCount(excluding id: String, _ db: Connection) throws -> Int {
        try db.scalar(
            "SELECT count(*) FROM accounts WHERE roles LIKE '%,super_admin,%' AND status != 'disabled' AND id != ?",
            [id])
    }

    /// One page of accounts after `cursor`, ordered by e-mail key then id.
    static func list(_ query: AccountListQuery, now: Date, _ db: Connection) throws -> [AccountRecord] {
        var conditions: [String] = []
        var bindings: [any SQLBindable] = []
        if let clinicID = query.clinicID {
            conditions.append("clinic_id = ?")
            bindings.append(clinicID)
        }
        if query.excludeSuperAdmins { conditions.append("roles NOT LIKE '%,super_admin,%'") }
        if let role = query.role {
            conditions.append("roles LIKE ?")
            bindings.append("%,\(role.rawValue),%")
        }
        switch query.state {
        case .active:
            conditions.append("status = 'active' AND (locked_until_ms IS NULL OR locked_until_ms <= ?)")
            bindings.append(now)
        case .pendingActivation:
            conditions.append("status = 'pending'")
        case .locked:
            conditions.append("status = 'active' AND locked_until_ms > ?")
            bindings.append(now)
        case .disabled:
            conditions.append("status = 'disabled'")
        default:
            if !query.showDeleted { conditions.append("status != 'disabled'") }
        }
        if !query.prefix.isEmpty {
            // Each word of search_text starts either at the beginning or after a space.
            conditions.append("(search_text LIKE ? ESCAPE '\\' OR search_text LIKE ? ESCAPE '\\')")
            let escaped = Self.escapeLike(SearchText.fold(query.prefix))
            bindings.append(escaped + "%")
            bindings.append("% " + escaped + "%")
        }
        if let cursor = query.after {
            conditions.append("(email_key > ? OR (email_key = ? AND id > ?))")
            bindings += [cursor.emailKey, cursor.emailKey, cursor.id]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        bindings.append(query.limit)
        return try db.query(
            "SELECT \(AccountRecord.columns) FROM accounts \(filter) ORDER BY email_key, id LIMIT ?", bindings,
            as: AccountRecord.init)
    }

    private static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    // MARK: Idempotent creation

    static func createdAccount(caller: String, requestID: String, since: Date, _ db: Connection) throws -> String? {
        try db.queryFirst(
            "SELECT account_id FROM create_requests WHERE caller = ? AND request_id = ? AND created_ms >= ?",
            [caller, requestID, since]
        ).map { try $0.get("account_id") }
    }

    static func recordCreation(caller: String, requestID: String, accountID: String, now: Date, _ db: Connection) throws {
        try db.execute(
            "INSERT OR REPLACE INTO create_requests (caller, request_id, account_id, created_ms) VALUES (?, ?, ?, ?)",
            [caller, requestID, accountID, now])
    }
}

/// What `ListAccounts` asks for, after authorization.
struct AccountListQuery: Sendable, Hashable {
    struct Cursor: Sendable, Hashable, Codable {
        var emailKey: String
        var id: String
    }

    var clinicID: String?
    var excludeSuperAdmins = false
    var role: Role?
    var state: AccountStateFilter = .any
    var prefix = ""
    var showDeleted = false
    var after: Cursor?
    var limit = 50
}

/// The `state` filter of `ListAccounts`.
enum AccountStateFilter: Sendable, Hashable {
    case any
    case active
    case pendingActivation
    case locked
    case disabled
}

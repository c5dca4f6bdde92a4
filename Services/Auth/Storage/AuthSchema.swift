import Storage

/// The auth service's platform database (`<data>/auth/platform.db`): accounts, login sessions
/// (refresh-token families), refresh tokens, password-reset tokens, idempotency keys, outbox,
/// and the clinics whose staff may not log in (`clinic_access`).
///
/// Secrets are stored only as hashes: scrypt for passwords, SHA-256 for refresh and reset tokens
/// (they are long random values, so a fast hash suffices, and a stolen file yields no usable
/// token). The outbox holds the reset links it must deliver until they are delivered.
enum AuthSchema {
    static let migrator = Migrator([
        Migration(
            version: 1, name: "accounts-sessions-tokens",
            sql: """
                CREATE TABLE accounts (
                    id TEXT PRIMARY KEY,
                    email TEXT NOT NULL,
                    email_key TEXT NOT NULL UNIQUE,          -- lower-cased e-mail: unique, case-insensitive
                    given_name TEXT NOT NULL DEFAULT '',
                    family_name TEXT NOT NULL DEFAULT '',
                    name_prefix TEXT NOT NULL DEFAULT '',
                    search_text TEXT NOT NULL DEFAULT '',    -- folded e-mail and names, for prefix search
                    roles TEXT NOT NULL,                     -- ",super_admin,doctor," (commas around each)
                    clinic_id TEXT,
                    status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'disabled')),
                    status_before_delete TEXT,
                    email_verified INTEGER NOT NULL DEFAULT 0,
                    password_hash TEXT,                      -- scrypt, PHC string; NULL while pending
                    failed_logins INTEGER NOT NULL DEFAULT 0,
                    locked_until_ms INTEGER,
                    phone TEXT NOT NULL DEFAULT '',
                    language_code TEXT NOT NULL DEFAULT '',
                    time_zone TEXT NOT NULL DEFAULT '',
                    created_ms INTEGER NOT NULL,
                    updated_ms INTEGER NOT NULL,
                    deleted_ms INTEGER,
                    last_login_ms INTEGER,
                    version INTEGER NOT NULL DEFAULT 1
                );
                CREATE INDEX accounts_clinic ON accounts (clinic_id, email_key);

                CREATE TABLE sessions (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES accounts (id),
                    created_ms INTEGER NOT NULL,
                    expires_ms INTEGER NOT NULL,             -- absolute end of the session
                    revoked_ms INTEGER,
                    revoke_reason TEXT
                );
                CREATE INDEX sessions_account ON sessions (account_id);

                CREATE TABLE refresh_tokens (
                    token_hash BLOB PRIMARY KEY,             -- SHA-256 of the token
                    session_id TEXT NOT NULL REFERENCES sessions (id),
                    generation INTEGER NOT NULL,
                    issued_ms INTEGER NOT NULL,
                    expires_ms INTEGER NOT NULL,
                    used_ms INTEGER                          -- set when rotated; presenting it again is reuse
                );
                CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

                CREATE TABLE reset_tokens (
                    token_hash BLOB PRIMARY KEY,             -- SHA-256 of the token
                    account_id TEXT NOT NULL REFERENCES accounts (id),
                    purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'invitation')),
                    created_ms INTEGER NOT NULL,
                    expires_ms INTEGER NOT NULL,
                    used_ms INTEGER
                );
                CREATE INDEX reset_tokens_account ON reset_tokens (account_id, created_ms);

                CREATE TABLE create_requests (
                    caller TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    account_id TEXT NOT NULL REFERENCES accounts (id),
                    created_ms INTEGER NOT NULL,
                    PRIMARY KEY (caller, request_id)
                );

                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL,                      -- e.g. auth.password_reset
                    account_id TEXT NOT NULL,
                    payload BLOB NOT NULL,                   -- clinic.notifications.v1.PublishNotificationRequest
                    created_ms INTEGER NOT NULL,
                    delivered_ms INTEGER
                );
                """),
        Migration(
            version: 2, name: "clinic-access",
            sql: """
                -- Clinics whose staff may not log in (a deleted clinic), as the clinics service
                -- last said through SetClinicAccess; a clinic without a row is enabled.
                CREATE TABLE clinic_access (
                    clinic_id TEXT PRIMARY KEY,
                    enabled INTEGER NOT NULL,
                    generation INTEGER NOT NULL,             -- orders the changes: older ones are ignored
                    changed_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                """),
    ])
}

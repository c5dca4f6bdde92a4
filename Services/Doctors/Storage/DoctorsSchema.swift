import Storage

/// The doctors service's tenant database (`<data>/doctors/<clinic>.sqlite`, one per clinic): the
/// clinic's doctors, their weekly availability and their exceptions.
enum DoctorsSchema {
    static let migrator = Migrator([
        Migration(
            version: 1, name: "doctors",
            sql: """
                CREATE TABLE doctors (
                    id TEXT PRIMARY KEY,
                    status TEXT NOT NULL CHECK (status IN ('provisioning', 'active', 'removed')),
                    -- The login account (auth service); set once created.
                    account_id TEXT UNIQUE,
                    -- The creation saga: the account's e-mail (lower-cased) and the auth request
                    -- id that creates it, so that a retry resumes instead of duplicating, and
                    -- until when a running attempt holds the addition (others must not resume it).
                    email_key TEXT NOT NULL,
                    account_request_id TEXT NOT NULL,
                    claimed_until INTEGER,
                    -- Folded (case, accents) names: order and prefix search.
                    family_key TEXT NOT NULL,
                    given_key TEXT NOT NULL,
                    online_booking INTEGER NOT NULL,
                    -- The descriptive fields as an encoded clinic.doctors.v1.Doctor message.
                    details BLOB NOT NULL,
                    version INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    removed_at INTEGER
                );
                -- One doctor per e-mail at a time (the auth service makes e-mails unique platform-wide).
                CREATE UNIQUE INDEX doctors_email ON doctors (email_key) WHERE status <> 'removed';
                CREATE INDEX doctors_order ON doctors (status, family_key, given_key, id);

                CREATE TABLE doctor_specialties (
                    doctor_id TEXT NOT NULL REFERENCES doctors (id) ON DELETE CASCADE,
                    code TEXT NOT NULL,
                    PRIMARY KEY (doctor_id, code)
                ) WITHOUT ROWID;
                CREATE INDEX doctor_specialties_code ON doctor_specialties (code, doctor_id);

                CREATE TABLE doctor_creations (
                    caller TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    doctor_id TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (caller, request_id)
                ) WITHOUT ROWID;

                -- The weekly availability: a version per doctor (etag), and its windows.
                CREATE TABLE availability (
                    doctor_id TEXT PRIMARY KEY REFERENCES doctors (id) ON DELETE CASCADE,
                    version INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE availability_windows (
                    doctor_id TEXT NOT NULL REFERENCES doctors (id) ON DELETE CASCADE,
                    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
                    start_second INTEGER NOT NULL,
                    end_second INTEGER NOT NULL,
                    slot_seconds INTEGER NOT NULL,
                    PRIMARY KEY (doctor_id, weekday, start_second)
                ) WITHOUT ROWID;

                -- Time off and extra hours; instants in unix seconds.
                CREATE TABLE availability_exceptions (
                    id TEXT PRIMARY KEY,
                    doctor_id TEXT NOT NULL REFERENCES doctors (id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('time_off', 'extra_hours')),
                    start_at INTEGER NOT NULL,
                    end_at INTEGER NOT NULL CHECK (end_at > start_at),
                    slot_seconds INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    -- The creator as an encoded clinic.common.v1.Actor message.
                    creator BLOB NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX availability_exceptions_doctor ON availability_exceptions (doctor_id, start_at, id);
                CREATE TABLE exception_creations (
                    caller TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    exception_id TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (caller, request_id)
                ) WITHOUT ROWID;
                """)
    ])
}

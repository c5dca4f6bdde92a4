import Storage

/// The clinics service's platform database (`<data>/clinics/platform.db`): the directory of
/// clinics, its full-text index, the specialty catalog and the idempotency keys of creations.
enum ClinicsSchema {
    static let migrator = Migrator([
        Migration(
            version: 1, name: "clinics",
            sql: """
                CREATE TABLE clinics (
                    id TEXT PRIMARY KEY,
                    status TEXT NOT NULL CHECK (status IN ('provisioning', 'active', 'deleted')),
                    display_name TEXT NOT NULL,
                    -- Folded (case, accents, spacing) keys: duplicate detection, filters and order.
                    name_key TEXT NOT NULL,
                    address_key TEXT NOT NULL,
                    locality_key TEXT NOT NULL,
                    region_code TEXT NOT NULL,
                    time_zone TEXT NOT NULL,
                    -- The descriptive fields as an encoded clinic.clinics.v1.Clinic message.
                    details BLOB NOT NULL,
                    version INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    deleted_at INTEGER,
                    -- The creation saga: the auth request id that creates the first admin, whose
                    -- e-mail (lower-cased) lets a retry resume it, the account once created, and
                    -- until when a running attempt holds the creation (others must not resume it).
                    account_request_id TEXT NOT NULL,
                    admin_email_key TEXT NOT NULL,
                    admin_account_id TEXT,
                    claimed_until INTEGER
                );
                -- Same name and address is the same clinic, whatever its state.
                CREATE UNIQUE INDEX clinics_identity ON clinics (name_key, address_key);
                CREATE INDEX clinics_order ON clinics (status, name_key, id);

                CREATE TABLE clinic_specialties (
                    clinic_id TEXT NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
                    code TEXT NOT NULL,
                    PRIMARY KEY (clinic_id, code)
                ) WITHOUT ROWID;
                CREATE INDEX clinic_specialties_code ON clinic_specialties (code, clinic_id);

                -- Full-text search over names and addresses, case- and accent-insensitive.
                CREATE VIRTUAL TABLE clinic_search USING fts5 (
                    clinic_id UNINDEXED, name, address,
                    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
                );

                CREATE TABLE clinic_creations (
                    caller TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    clinic_id TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (caller, request_id)
                ) WITHOUT ROWID;

                CREATE TABLE specialties (
                    code TEXT PRIMARY KEY,
                    display_name TEXT NOT NULL,
                    description TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """),
        Migration(version: 2, name: "specialty catalog") { db in
            for (code, name) in seedSpecialties {
                try db.execute(
                    "INSERT OR IGNORE INTO specialties (code, display_name, description, created_at) VALUES (?, ?, '', 0)",
                    [code, name])
            }
        },
        Migration(
            version: 3, name: "staff access saga",
            sql: """
                -- DeleteClinic / UndeleteClinic: set when the clinic's state changed and the auth
                -- service has not yet confirmed the matching SetClinicAccess (generation = version).
                ALTER TABLE clinics ADD COLUMN access_pending INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX clinics_access_pending ON clinics (access_pending) WHERE access_pending = 1;
                """),
    ])

    /// The catalog a new platform starts with; the super admin adds more with CreateSpecialty.
    static let seedSpecialties: [(String, String)] = [
        ("allergy-immunology", "Allergy and immunology"), ("anesthesiology", "Anesthesiology"),
        ("cardiology", "Cardiology"), ("dentistry", "Dentistry"), ("dermatology", "Dermatology"),
        ("endocrinology", "Endocrinology"), ("gastroenterology", "Gastroenterology"),
        ("general-practice", "General practice"), ("gynecology-obstetrics", "Gynecology and obstetrics"),
        ("neurology", "Neurology"), ("ophthalmology", "Ophthalmology"), ("orthopedics", "Orthopedics"),
        ("otorhinolaryngology", "Otorhinolaryngology (ENT)"), ("pediatrics", "Pediatrics"),
        ("physiotherapy", "Physiotherapy"), ("psychiatry", "Psychiatry"), ("pulmonology", "Pulmonology"),
        ("radiology", "Radiology"), ("rheumatology", "Rheumatology"), ("urology", "Urology"),
    ]
}

import Storage

/// The patients service's databases.
///
/// Tenant database `<data>/patients/<clinic>.sqlite` — one clinic's patients and their medical
/// records: patients, medical record headers, entries with every version, the record history,
/// document metadata (the content is in files next to it, see `DocumentFiles`), the audit log,
/// idempotency keys and the outbox.
///
/// Platform database `<data>/patients/platform.db` — what belongs to a person rather than to a
/// clinic: patient profiles from sign-up, and the links from a patient account to the clinics it
/// visits (with its patient id in each). The links are the cross-clinic index of a patient.
///
/// The audit log, the record history and the entry versions are append-only: triggers abort
/// every UPDATE and DELETE, so not even a bug in this service can rewrite who read what.
enum PatientsSchema {
    static let tenant = Migrator([
        Migration(version: 1, name: "patients", sql: patientsSQL),
        Migration(version: 2, name: "medical-records", sql: recordsSQL),
        Migration(version: 3, name: "audit-log", sql: auditSQL),
    ])

    static let platform = Migrator([
        Migration(version: 1, name: "profiles-links", sql: platformSQL)
    ])

    private static let patientsSQL = """
        CREATE TABLE patients (
            id TEXT PRIMARY KEY,
            account_id TEXT UNIQUE,                  -- the patient's platform account, once linked
            given_name TEXT NOT NULL DEFAULT '',
            family_name TEXT NOT NULL DEFAULT '',
            name_prefix TEXT NOT NULL DEFAULT '',
            given_key TEXT NOT NULL DEFAULT '',      -- case- and accent-folded, for duplicates
            family_key TEXT NOT NULL DEFAULT '',
            search_text TEXT NOT NULL DEFAULT '',    -- ' word word ' folded, for prefix search
            national_id_value TEXT,
            national_id_region TEXT,
            national_id_key TEXT,                    -- upper case, no spaces or dashes
            birth_date TEXT NOT NULL,                -- YYYY-MM-DD
            sex INTEGER NOT NULL,
            email TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            language_code TEXT NOT NULL DEFAULT '',
            address BLOB,                            -- clinic.common.v1.PostalAddress
            state TEXT NOT NULL CHECK (state IN ('active', 'archived')),
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            deleted_ms INTEGER,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX patients_national_id ON patients (national_id_region, national_id_key);
        CREATE INDEX patients_name_birth ON patients (family_key, given_key, birth_date);
        CREATE INDEX patients_birth_date ON patients (birth_date);
        CREATE INDEX patients_phone ON patients (phone);

        -- A patient who linked their account looks like one registered by staff: flagged, never merged.
        CREATE TABLE patient_duplicate_flags (
            patient_id TEXT NOT NULL REFERENCES patients (id),
            candidate_id TEXT NOT NULL REFERENCES patients (id),
            reasons TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            PRIMARY KEY (patient_id, candidate_id)
        );

        CREATE TABLE request_ids (
            scope TEXT NOT NULL,                     -- the method
            caller TEXT NOT NULL,
            request_id TEXT NOT NULL,
            response BLOB NOT NULL,                  -- the first answer, returned again on retries
            created_ms INTEGER NOT NULL,
            PRIMARY KEY (scope, caller, request_id)
        );

        CREATE TABLE outbox (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL UNIQUE,
            event_type TEXT NOT NULL,
            event BLOB NOT NULL,                     -- clinic.events.v1.DomainEvent
            created_ms INTEGER NOT NULL,
            delivered_ms INTEGER
        );
        """

    private static let recordsSQL = """
        CREATE TABLE medical_records (
            patient_id TEXT PRIMARY KEY REFERENCES patients (id),
            blood_group TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT '',
            creator BLOB NOT NULL,                   -- clinic.common.v1.Actor
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );

        -- The current version of each entry; every version is also in record_entry_versions.
        CREATE TABLE record_entries (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES medical_records (patient_id),
            kind INTEGER NOT NULL,                   -- RecordEntryKind
            status INTEGER NOT NULL,                 -- RecordEntryStatus
            version INTEGER NOT NULL,
            entry BLOB NOT NULL,                     -- clinic.patients.v1.RecordEntry
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL
        );
        CREATE INDEX record_entries_patient ON record_entries (patient_id, created_ms, id);

        CREATE TABLE record_entry_versions (
            entry_id TEXT NOT NULL REFERENCES record_entries (id),
            version INTEGER NOT NULL,
            entry BLOB NOT NULL,
            created_ms INTEGER NOT NULL,
            PRIMARY KEY (entry_id, version)
        );

        CREATE TABLE record_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            patient_id TEXT NOT NULL,
            occur_ms INTEGER NOT NULL,
            actor BLOB NOT NULL,
            change_kind INTEGER NOT NULL,            -- RecordChangeKind
            entry_id TEXT NOT NULL DEFAULT '',
            entry_version INTEGER,
            document_id TEXT NOT NULL DEFAULT '',
            consultation_id TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX record_history_patient ON record_history (patient_id, id);

        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            file_name TEXT NOT NULL,
            media_type TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            sha256 BLOB NOT NULL,
            category INTEGER NOT NULL,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            consultation_id TEXT NOT NULL DEFAULT '',
            uploader BLOB NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('available', 'deleted')),
            request_key TEXT UNIQUE,                 -- caller and request id of the upload
            created_ms INTEGER NOT NULL,
            deleted_ms INTEGER,
            delete_reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX documents_patient ON documents (patient_id, created_ms, id);

        CREATE TRIGGER record_entry_versions_append_only_update BEFORE UPDATE ON record_entry_versions
        BEGIN SELECT RAISE(ABORT, 'record_entry_versions is append-only'); END;
        CREATE TRIGGER record_entry_versions_append_only_delete BEFORE DELETE ON record_entry_versions
        BEGIN SELECT RAISE(ABORT, 'record_entry_versions is append-only'); END;
        CREATE TRIGGER record_history_append_only_update BEFORE UPDATE ON record_history
        BEGIN SELECT RAISE(ABORT, 'record_history is append-only'); END;
        CREATE TRIGGER record_history_append_only_delete BEFORE DELETE ON record_history
        BEGIN SELECT RAISE(ABORT, 'record_history is append-only'); END;
        """

    private static let auditSQL = """
        CREATE TABLE audit_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            occur_ms INTEGER NOT NULL,
            actor BLOB NOT NULL,                     -- clinic.common.v1.Actor
            actor_account_id TEXT NOT NULL DEFAULT '',
            action INTEGER NOT NULL,                 -- AuditAction
            outcome INTEGER NOT NULL,                -- AuditOutcome
            patient_id TEXT NOT NULL DEFAULT '',
            resource TEXT NOT NULL DEFAULT '',
            method TEXT NOT NULL,
            request_id TEXT NOT NULL DEFAULT '',
            client_address TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX audit_events_patient ON audit_events (patient_id, id);
        CREATE INDEX audit_events_actor ON audit_events (actor_account_id, id);

        CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
        CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
        """

    private static let platformSQL = """
        CREATE TABLE patient_profiles (
            account_id TEXT PRIMARY KEY,
            email TEXT NOT NULL,
            email_key TEXT NOT NULL UNIQUE,          -- lower-cased e-mail
            given_name TEXT NOT NULL DEFAULT '',
            family_name TEXT NOT NULL DEFAULT '',
            name_prefix TEXT NOT NULL DEFAULT '',
            birth_date TEXT NOT NULL,
            sex INTEGER NOT NULL,
            phone TEXT NOT NULL DEFAULT '',
            language_code TEXT NOT NULL DEFAULT '',
            address BLOB,
            national_id_value TEXT,
            national_id_region TEXT,
            accepted_terms_version TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );

        CREATE TABLE clinic_links (
            account_id TEXT NOT NULL REFERENCES patient_profiles (account_id),
            clinic_id TEXT NOT NULL,
            patient_id TEXT NOT NULL,
            clinic_name TEXT NOT NULL DEFAULT '',
            link_ms INTEGER NOT NULL,
            PRIMARY KEY (account_id, clinic_id),
            UNIQUE (clinic_id, patient_id)
        );
        CREATE INDEX clinic_links_recent ON clinic_links (account_id, link_ms, clinic_id);

        CREATE TABLE request_ids (
            scope TEXT NOT NULL,
            caller TEXT NOT NULL,
            request_id TEXT NOT NULL,
            response BLOB NOT NULL,
            created_ms INTEGER NOT NULL,
            PRIMARY KEY (scope, caller, request_id)
        );

        CREATE TABLE outbox (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL UNIQUE,
            event_type TEXT NOT NULL,
            event BLOB NOT NULL,
            created_ms INTEGER NOT NULL,
            delivered_ms INTEGER
        );
        """
}

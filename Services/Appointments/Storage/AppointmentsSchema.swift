import Storage

/// The appointments service's tenant database (`<data>/appointments/<clinic>.sqlite`):
/// appointments, booking idempotency keys and the outbox of domain events.
///
/// No double booking is a property of the database, not of the code that checks first: the
/// partial unique index `appointments_slot_taken` allows one slot-holding (PROPOSED, BOOKED,
/// ARRIVED) appointment per doctor and start instant, so of two transactions booking the same
/// slot the second fails on its INSERT (or UPDATE, for a reschedule) whatever ran before it.
/// Cancelled, fulfilled and no-show rows leave the index and free the slot.
enum AppointmentsSchema {
    static let tenant = Migrator([
        Migration(
            version: 1, name: "appointments-outbox",
            sql: """
                CREATE TABLE appointments (
                    id TEXT PRIMARY KEY,
                    patient_id TEXT NOT NULL,
                    patient_account_id TEXT NOT NULL DEFAULT '',
                    patient_name TEXT NOT NULL DEFAULT '',
                    doctor_id TEXT NOT NULL,
                    doctor_account_id TEXT NOT NULL DEFAULT '',
                    doctor_name TEXT NOT NULL DEFAULT '',
                    specialty_code TEXT NOT NULL DEFAULT '',
                    clinic_name TEXT NOT NULL DEFAULT '',
                    time_zone TEXT NOT NULL,
                    start_ms INTEGER NOT NULL,
                    end_ms INTEGER NOT NULL CHECK (end_ms > start_ms),
                    status TEXT NOT NULL
                        CHECK (status IN ('proposed', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow')),
                    reason_for_visit TEXT NOT NULL DEFAULT '',
                    channel TEXT NOT NULL CHECK (channel IN ('online', 'staff')),
                    booker BLOB NOT NULL,                    -- clinic.common.v1.Actor
                    cancellation BLOB,                       -- clinic.appointments.v1.Cancellation
                    cancel_reason INTEGER,                   -- its reason code, for reports
                    confirm_ms INTEGER,
                    check_in_ms INTEGER,
                    complete_ms INTEGER,
                    no_show_ms INTEGER,
                    reschedule_count INTEGER NOT NULL DEFAULT 0,
                    original_start_ms INTEGER,
                    consultation_id TEXT NOT NULL DEFAULT '',
                    created_ms INTEGER NOT NULL,
                    updated_ms INTEGER NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1
                );
                -- The no-double-booking guarantee (see above).
                CREATE UNIQUE INDEX appointments_slot_taken ON appointments (doctor_id, start_ms)
                    WHERE status IN ('proposed', 'booked', 'arrived');
                CREATE INDEX appointments_doctor_time ON appointments (doctor_id, start_ms);
                CREATE INDEX appointments_doctor_account_time ON appointments (doctor_account_id, start_ms);
                CREATE INDEX appointments_patient_time ON appointments (patient_id, start_ms);
                CREATE INDEX appointments_time ON appointments (start_ms);

                CREATE TABLE booking_requests (
                    caller TEXT NOT NULL,                    -- who booked (principal description)
                    request_id TEXT NOT NULL,
                    appointment_id TEXT NOT NULL REFERENCES appointments (id),
                    created_ms INTEGER NOT NULL,
                    PRIMARY KEY (caller, request_id)
                );

                -- Domain events written in the same transaction as the change (clinic.events.v1),
                -- delivered by the event service of a later issue.
                CREATE TABLE outbox (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,  -- DomainEvent.sequence: never reused
                    event_id TEXT NOT NULL UNIQUE,
                    event_type TEXT NOT NULL,
                    appointment_id TEXT NOT NULL,
                    event BLOB NOT NULL,                     -- clinic.events.v1.DomainEvent
                    created_ms INTEGER NOT NULL,
                    delivered_ms INTEGER
                );
                """)
    ])
}

package import ClinicAPI
package import Foundation
package import Logging
package import Platform
import RPCCore
package import Storage

/// The appointments service: free-slot search, booking and the appointment life cycle, in one
/// SQLite database per clinic (`<data>/appointments/<clinic>.sqlite`).
///
/// Built by the composition root from its storage, typed clients of the services it reads
/// (clinics: time zone and booking policy, cached for `clinicCacheLifetime`; doctors: who can be
/// booked and their schedules' slots, the single source of truth for free slots; patients: clinic
/// links of patient accounts and the patients staff book for) and a clock.
/// Serve it behind `authorizationInterceptor(verifier:)`, which admits patients to the clinics
/// they are linked to (and to any clinic for searching and booking).
///
/// The handlers (in `Handlers/`) are thin: they check the request, read remote inputs as values,
/// ask the pure rules (`SlotCalculator`, `AppointmentLifecycle`, `BookingWindow`) and run one
/// transaction, which writes the change and its domain event to the outbox together.
package final class AppointmentsService: Clinic_Appointments_V1_AppointmentService.ServiceProtocol {
    let storage: AppointmentsStorage
    let schedules: ScheduleDirectory
    let patients: PatientDirectory
    let now: @Sendable () -> Date
    let logger: Logger

    /// A service over `storage`, reading clinics, doctors and patients through their clients
    /// (called as this service: the clients' transport must present the `appointments` identity).
    /// A clinic read from the clinics service is kept for `clinicCacheLifetime` (zero: never).
    package init(
        storage: AppointmentsStorage,
        clinics: Clinic_Clinics_V1_ClinicService.Client,
        doctors: Clinic_Doctors_V1_DoctorService.Client,
        patients: Clinic_Patients_V1_PatientService.Client,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "clinic.appointments"),
        clinicCacheLifetime: Duration = .seconds(30)
    ) {
        self.storage = storage
        self.schedules = ScheduleDirectory(clinics: clinics, doctors: doctors, clinicCacheLifetime: clinicCacheLifetime)
        self.patients = PatientDirectory(patients: patients)
        self.now = now
        self.logger = logger
    }

    /// The interceptor to serve this service with: verifies tokens with `verifier`, trusts
    /// `trust` as services, and admits callers to clinics by `AppointmentsAdmission`.
    package func authorizationInterceptor(
        verifier: AccessTokenVerifier, trust: ServiceTrust = .platformServices
    ) -> AuthorizationInterceptor {
        let admission = AppointmentsAdmission(schedules: schedules, patients: patients)
        return AuthorizationInterceptor(
            verifier: verifier, trust: trust, tenants: TenantDatabases(pool: storage.pool, admission: admission))
    }

    /// Events of `clinicID` not delivered yet, oldest first (for the event service and tests).
    package func pendingEvents(clinicID: String, limit: Int = 100) async throws -> [Clinic_Events_V1_DomainEvent] {
        let database = try await storage.pool.database(for: TenantID(clinicID))
        return try await database.read { db in try AppointmentsOutbox.pending(limit: limit, db).map(\.event) }
    }

    // MARK: Helpers for the handlers

    /// Runs a write transaction on `database`; storage failures become RPC errors (a taken slot,
    /// the unique index, is `already_exists` on `start_time`).
    func write<T: Sendable>(
        _ database: TenantDatabase, _ what: String, _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        do {
            return try await database.write(body)
        } catch let error as StorageError where error.code == .uniqueViolation {
            throw RPCError.slotTaken
        } catch {
            throw RPCError(storage: error, what: what)
        }
    }


    /// The appointment `id` as `caller` may see it: staff and services any of the clinic, a
    /// patient only their own (`not_found` otherwise, so ids are not confirmed).
    static func visible(_ record: AppointmentRecord?, to caller: Principal) throws(RPCError) -> AppointmentRecord {
        guard let record, caller.mayAccess(record) else { throw RPCError.appointmentNotFound }
        return record
    }

    /// What every outbox event of this call carries besides its payload.
    func envelope(_ context: ServerContext, clinicID: String, caller: Principal, at now: Date) -> AppointmentsOutbox.Envelope {
        AppointmentsOutbox.Envelope(
            clinicID: clinicID, actor: caller.actor(for: context.method), correlationID: context.requestMetadata["clinic-request-id"] ?? "",
            now: now)
    }
}

/// The appointments service's databases: one per clinic, no platform database (a patient's
/// appointments across clinics are found through the patients service's clinic links).
package struct AppointmentsStorage: Sendable {
    /// The per-clinic databases, `<data>/appointments/<clinic>.sqlite`.
    package let pool: TenantDatabasePool

    /// Opens the pool under `dataDirectory` (databases are opened and migrated on first use).
    package init(
        dataDirectory: String, configuration: StorageConfiguration = StorageConfiguration(), maxOpenDatabases: Int = 64
    ) throws {
        pool = try TenantDatabasePool(
            dataDirectory: dataDirectory, service: "appointments", tenantMigrator: AppointmentsSchema.tenant,
            maxOpenDatabases: maxOpenDatabases, configuration: configuration)
    }

    /// Closes every database.
    package func close() async {
        await pool.close()
    }
}

extension Principal {
    /// Whether this caller may see and act on `record`: a patient only on their own.
    func mayAccess(_ record: AppointmentRecord) -> Bool {
        guard has(.patient), tenant == nil, kind == .account else { return true }
        return !record.patientAccountID.isEmpty && record.patientAccountID == accountID
    }

    /// Whether this caller books and acts as a patient (for themself, within the booking policy).
    var actsAsPatient: Bool { kind == .account && tenant == nil && has(.patient) }

    /// The actor recorded for what this caller does through `method`: the account and the role
    /// the method's policy let it act in, or the service.
    func actor(for method: MethodDescriptor) -> Clinic_Common_V1_Actor {
        var actor = Clinic_Common_V1_Actor()
        switch kind {
        case .service:
            actor.role = .service
            actor.serviceName = subject
        case .account:
            actor.accountId = subject
            let allowed = Role.allCases.filter { has($0) && method.policy.roles.contains($0.rawValue) }
            actor.role = (allowed.first ?? roles.sorted().first)?.proto ?? .unspecified
        }
        return actor
    }
}

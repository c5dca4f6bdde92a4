package import ClinicAPI
package import Foundation
package import Logging
package import Platform
import RPCCore
import Storage

/// The patient service: clinic staff register, find, update and archive the patients of their
/// clinic; people sign up as patients (an auth account with ROLE_PATIENT plus a profile) and are
/// linked to the clinics they book in.
///
/// Built by the composition root from `PatientsStorage` (shared with `MedicalRecordService`),
/// typed clients of the services it calls (auth: creates patient accounts; clinics: which
/// clinics exist; appointments, optional: refuses to archive a patient with upcoming
/// appointments) and a clock. Serve both services of this process behind one
/// `authorizationInterceptor(verifier:)`.
package final class PatientsService: Clinic_Patients_V1_PatientService.ServiceProtocol {
    let storage: PatientsStorage
    let auth: Clinic_Auth_V1_AuthService.Client
    let clinics: ClinicLookup
    let appointments: Clinic_Appointments_V1_AppointmentService.Client?
    let now: @Sendable () -> Date
    let logger: Logger

    /// A service over `storage`, calling auth, clinics and (when given) appointments through their
    /// clients as this service (the clients' transport must present the `patients` identity).
    /// Without `appointments`, DeletePatient does not check for upcoming appointments.
    package init(
        storage: PatientsStorage,
        auth: Clinic_Auth_V1_AuthService.Client,
        clinics: Clinic_Clinics_V1_ClinicService.Client,
        appointments: Clinic_Appointments_V1_AppointmentService.Client?,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "clinic.patients")
    ) {
        self.storage = storage
        self.auth = auth
        self.clinics = ClinicLookup(clinics: clinics)
        self.appointments = appointments
        self.now = now
        self.logger = logger
    }

    /// The interceptor for this process's services (patients and medical records): verifies tokens
    /// with `verifier`, trusts `trust` as services, admits patients to their linked clinics, and
    /// refuses the staff of a deleted clinic (a clinic is known open for `clinicCacheLifetime`).
    package func authorizationInterceptor(
        verifier: AccessTokenVerifier, trust: ServiceTrust = .platformServices, clinicCacheLifetime: Duration = .seconds(30)
    ) -> AuthorizationInterceptor {
        let admission = PatientsAdmission(
            clinics: clinics, storage: storage, openClinics: ExpiringCache(lifetime: clinicCacheLifetime))
        return AuthorizationInterceptor(
            verifier: verifier, trust: trust, tenants: TenantDatabases(pool: storage.pool, admission: admission))
    }

    /// Whether patient account `accountID` is linked to `clinic`: what other services in this
    /// process (or tests) pass as `StandardTenantAdmission.PatientLinks`.
    package var patientLinks: StandardTenantAdmission.PatientLinks {
        let storage = self.storage
        return { accountID, clinic in try await storage.link(accountID: accountID, clinicID: clinic.rawValue) != nil }
    }

    /// Events not delivered yet, oldest first: of `clinicID`'s database, or of the platform
    /// database when nil (for the event service and tests).
    package func pendingEvents(clinicID: String?, limit: Int = 100) async throws -> [Clinic_Events_V1_DomainEvent] {
        if let clinicID {
            let database = try await storage.pool.database(for: TenantID(clinicID))
            return try await database.read { db in try PatientsOutbox.pending(limit: limit, db) }
        }
        return try await storage.readPlatform("the outbox") { db in try PatientsOutbox.pending(limit: limit, db) }
    }

    // MARK: Helpers for the handlers

    /// The patient `patientID` of `database`'s clinic as `caller` may see it: staff and services
    /// any, a patient only their own (`not_found` otherwise, so ids are not confirmed).
    static func visiblePatient(_ patientID: String, to caller: Principal, _ db: Connection) throws -> PatientRecord {
        guard let patient = try PatientStore.find(id: patientID, db), caller.mayRead(patient) else {
            throw RPCError.patientNotFound
        }
        return patient
    }

    /// `aborted` when `etag` is set and is not `version`'s.
    static func checkEtag(_ etag: String, version: Int) throws(RPCError) {
        guard etag.isEmpty || etag == "\(version)" else {
            throw RPCError(code: .aborted, message: "etag: the patient changed since it was read; read it again")
        }
    }

    /// The correlation id of the call, for events.
    static func correlationID(_ context: ServerContext) -> String {
        context.requestMetadata["clinic-request-id"] ?? ""
    }
}

extension Principal {
    /// Whether this caller may read `patient`: staff and services any patient of the clinic whose
    /// database they reached, a patient only the one their account is linked to.
    func mayRead(_ patient: PatientRecord) -> Bool {
        guard actsAsPatient else { return true }
        return patient.accountID != nil && patient.accountID == accountID
    }

    /// Whether this caller is a patient acting for themself (no tenant in the token).
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

extension RPCError {
    /// A patient that does not exist or that the caller may not see (the answer is the same).
    static let patientNotFound = RPCError(code: .notFound, message: "patient_id: patient not found")
}

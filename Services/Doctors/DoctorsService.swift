package import ClinicAPI
import Foundation
import Logging
package import Platform
import RPCCore
import Storage

/// The doctors service: a clinic's doctors (with their login accounts, created through the auth
/// service), their weekly availability and exceptions, and the effective schedule computed from
/// them in the clinic's time zone.
///
/// Tenant data: one database per clinic (`<data>/doctors/<clinic>.sqlite`). Every method is
/// tenant scoped, so serve it with `authorizationInterceptor(verifier:)` (or an
/// `AuthorizationInterceptor` given `tenantDatabases`). Handlers are thin over pure logic:
/// `DoctorRules`, `AvailabilityRules`, `DoctorAccess`, and `ScheduleCalculator` for the
/// daylight-saving-correct schedule.
package final class DoctorsService: Clinic_Doctors_V1_DoctorService.ServiceProtocol {
    let configuration: DoctorsConfiguration
    let pool: TenantDatabasePool
    let accounts: DoctorAccounts
    let clinics: ClinicDirectory
    let upcomingAppointments: UpcomingAppointmentsCheck?
    /// The tenant databases and who may act in a clinic the request names, for the interceptor.
    package let tenantDatabases: TenantDatabases

    private init(
        configuration: DoctorsConfiguration, pool: TenantDatabasePool, auth: Clinic_Auth_V1_AuthService.Client,
        clinics: Clinic_Clinics_V1_ClinicService.Client, upcomingAppointments: UpcomingAppointmentsCheck?,
        patientLinks: StandardTenantAdmission.PatientLinks?
    ) {
        self.configuration = configuration
        self.pool = pool
        self.accounts = DoctorAccounts(auth: auth, timeout: configuration.callTimeout)
        let directory = ClinicDirectory(
            clinics: clinics, lifetime: configuration.clinicCacheLifetime, timeout: configuration.callTimeout)
        self.clinics = directory
        self.upcomingAppointments = upcomingAppointments
        let admission = DoctorsTenantAdmission(
            clinics: directory, standard: StandardTenantAdmission(clinics: directory, patientLinks: patientLinks))
        self.tenantDatabases = TenantDatabases(pool: pool, admission: admission)
    }

    /// Creates the service over `<data>/doctors/`. `auth` and `clinics` must reach those
    /// services as the doctors service (mTLS identity `spiffe://clinic/doctors`), with no user
    /// token. `upcomingAppointments` blocks removing a doctor with upcoming bookings (usually
    /// `.appointments(appointmentsClient)`); `patientLinks` admits patients to non-public methods
    /// of clinics they are linked to (none of this service's methods need it today).
    package static func start(
        configuration: DoctorsConfiguration, auth: Clinic_Auth_V1_AuthService.Client,
        clinics: Clinic_Clinics_V1_ClinicService.Client, upcomingAppointments: UpcomingAppointmentsCheck? = nil,
        patientLinks: StandardTenantAdmission.PatientLinks? = nil
    ) throws -> DoctorsService {
        let pool = try TenantDatabasePool(
            dataDirectory: configuration.dataDirectory, service: "doctors", tenantMigrator: DoctorsSchema.migrator,
            maxOpenDatabases: configuration.maxOpenDatabases, configuration: configuration.storage, threadCount: 2)
        configuration.logger.info("doctors service started")
        return DoctorsService(
            configuration: configuration, pool: pool, auth: auth, clinics: clinics,
            upcomingAppointments: upcomingAppointments, patientLinks: patientLinks)
    }

    /// The interceptor to serve this service with: verifies tokens with `verifier`, trusts
    /// `trust` as services, and hands tenant-scoped handlers their clinic's database.
    package func authorizationInterceptor(verifier: AccessTokenVerifier, trust: ServiceTrust = .platformServices) -> AuthorizationInterceptor {
        AuthorizationInterceptor(verifier: verifier, trust: trust, tenants: tenantDatabases)
    }

    /// Closes every tenant database.
    package func close() async {
        await pool.close()
    }

    // MARK: Helpers for the handlers



    /// Finds the doctor a request names (an id or "me"); provisioning doctors do not exist yet.
    static func findDoctor(_ reference: DoctorAccess.Reference, _ db: Connection) throws -> DoctorRecord? {
        let record: DoctorRecord?
        switch reference {
        case .id(let id): record = try DoctorStore.find(id: id, db)
        case .account(let account): record = try DoctorStore.find(accountID: account, db)
        }
        guard let record, record.status != .provisioning else { return nil }
        return record
    }
}

extension RPCError {
    /// A doctor that does not exist in this clinic (or that the caller may not see).
    static let doctorNotFound = RPCError(code: .notFound, message: "doctor not found")
    /// The request's etag is not the current one.
    static let staleDoctorEtag = RPCError(code: .aborted, message: "etag: the doctor changed since it was read; read it again")
    /// A removed doctor cannot be changed.
    static let doctorRemoved = RPCError(code: .failedPrecondition, message: "the doctor was removed from the clinic")
}

import AppointmentsService
import AuthService
import ClinicAPI
import ClinicsService
import DoctorsService
import Foundation
import Logging
import PatientsService
import Platform
import RPCCore
import RPCTransport
import RegistryService
import ServiceHost

/// The composition root: builds each service with its explicit dependencies (storage under the
/// data folder, token verification, typed clients of the services it calls, found through the
/// registry) for `ServiceHost`.
enum ServiceAssembly {
    /// The parts of `kind`'s process.
    static func hosted(
        _ kind: ServiceKind, configuration: ServiceConfiguration, registry: RegistryClient?, logger: Logger
    ) async throws -> HostedService {
        let data = configuration.dataDirectory
        switch kind {
        case .registry:
            var settings = RegistryConfiguration()
            settings.logger = logger
            let registry = RegistryService(configuration: settings)
            // Every method is internal: callers are services (by certificate); nobody has a token
            // here, so the verifier has no keys. The edge and the `clinic` tool may read.
            let interceptor = AuthorizationInterceptor(
                verifier: AccessTokenVerifier(keys: VerificationKeySet(keys: [])),
                trust: ServiceTrust.platformServices.adding("edge", "cli"))
            return HostedService(
                services: [registry], interceptors: [interceptor], background: [{ await registry.run() }],
                draining: { registry.finishWatches() })
        case .auth:
            var settings = AuthConfiguration(dataDirectory: data)
            settings.logger = logger
            let auth = try await AuthService.start(configuration: settings)
            return HostedService(
                services: [auth], interceptors: [auth.authorizationInterceptor()], close: { await auth.close() })
        case .clinics:
            let clients = try Clients(registry, configuration, logger)
            var settings = ClinicsConfiguration(dataDirectory: data)
            settings.logger = logger
            let clinics = try await ClinicsService.start(configuration: settings, auth: try clients.auth())
            let interceptor = AuthorizationInterceptor(verifier: try clients.tokenVerifier())
            return HostedService(services: [clinics], interceptors: [interceptor], close: { await clinics.close(); clients.shutdown() })
        case .doctors:
            let clients = try Clients(registry, configuration, logger)
            var settings = DoctorsConfiguration(dataDirectory: data)
            settings.logger = logger
            // Patients' clinic links live in the patients process; without an RPC for them the
            // doctors service admits patients through its own rule (see DoctorsTenantAdmission).
            let doctors = try DoctorsService.start(
                configuration: settings, auth: try clients.auth(), clinics: try clients.clinics(),
                upcomingAppointments: .appointments(try clients.appointments()))
            return HostedService(
                services: [doctors], interceptors: [doctors.authorizationInterceptor(verifier: try clients.tokenVerifier())],
                close: { await doctors.close(); clients.shutdown() })
        case .patients:
            let clients = try Clients(registry, configuration, logger)
            let storage = try PatientsStorage(dataDirectory: data)
            let patients = PatientsService(
                storage: storage, auth: try clients.auth(), clinics: try clients.clinics(),
                appointments: try clients.appointments(), logger: logger)
            let records = MedicalRecordService(storage: storage, logger: logger)
            return HostedService(
                services: [patients, records],
                interceptors: [patients.authorizationInterceptor(verifier: try clients.tokenVerifier())],
                close: { await storage.close(); clients.shutdown() })
        case .appointments:
            let clients = try Clients(registry, configuration, logger)
            let storage = try AppointmentsStorage(dataDirectory: data)
            let appointments = AppointmentsService(
                storage: storage, clinics: try clients.clinics(), doctors: try clients.doctors(),
                patients: try clients.patients(), logger: logger)
            return HostedService(
                services: [appointments],
                interceptors: [appointments.authorizationInterceptor(verifier: try clients.tokenVerifier())],
                close: { await storage.close(); clients.shutdown() })
        case .edge:
            throw CLIError("the edge is not an RPC service; it runs through EdgeProcess")
        }
    }
}

/// Typed clients of the other services, for one process, through the registry.
struct Clients {
    let clients: ServiceClients

    init(_ registry: RegistryClient?, _ configuration: ServiceConfiguration, _ logger: Logger) throws {
        guard let registry else { throw CLIError("\(configuration.serviceName) needs --registry") }
        clients = ServiceClients(registry: registry, identity: configuration.identity, logger: logger)
    }

    func auth() throws -> Clinic_Auth_V1_AuthService.Client {
        .init(caller: try clients.caller(for: Clinic_Auth_V1_AuthService.descriptor))
    }

    func clinics() throws -> Clinic_Clinics_V1_ClinicService.Client {
        .init(caller: try clients.caller(for: Clinic_Clinics_V1_ClinicService.descriptor))
    }

    func doctors() throws -> Clinic_Doctors_V1_DoctorService.Client {
        .init(caller: try clients.caller(for: Clinic_Doctors_V1_DoctorService.descriptor))
    }

    func patients() throws -> Clinic_Patients_V1_PatientService.Client {
        .init(caller: try clients.caller(for: Clinic_Patients_V1_PatientService.descriptor))
    }

    func appointments() throws -> Clinic_Appointments_V1_AppointmentService.Client {
        .init(caller: try clients.caller(for: Clinic_Appointments_V1_AppointmentService.descriptor))
    }

    /// Verifies access tokens locally with the auth service's keys (fetched once, cached).
    func tokenVerifier() throws -> AccessTokenVerifier {
        AccessTokenVerifier(keys: VerificationKeySet(source: AuthServiceKeySource(client: try auth())))
    }

    func shutdown() { clients.shutdown() }
}

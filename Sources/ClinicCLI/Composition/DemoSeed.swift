import AuthService
import ClinicAPI
import Foundation
import Logging
import Platform
import RPCCore
import RPCTransport
import ServiceHost

/// Demo data for an empty data folder, made once by `clinic up` after every process is healthy,
/// and the logins it prints.
///
/// The demo super admin is made through `AuthBootstrap` (as `clinic admin create` does); the
/// rest through the services' own RPCs (`DemoSeed+Clinics.swift`), as their users would: two
/// clinics with an admin each, doctors with weekly availability, patients and appointments.
enum DemoSeed {
    /// A login the seed made.
    struct Login {
        var role: String
        var email: String
        var password: String
    }

    /// The demo password of every seeded account (development data only).
    static let password = "clinic-demo-password"

    /// Seeds `data`; failures are logged and leave the platform running without demo data.
    static func seed(data: String, registry: Endpoint, identity: ServiceIdentity, logger: Logger) async {
        var logins: [Login] = []
        do {
            let admin = Login(role: "super admin", email: "admin@demo.clinic", password: password)
            _ = try await AuthBootstrap.createAccount(
                dataDirectory: data, email: admin.email, password: admin.password, roles: [.superAdmin],
                name: Clinic_Common_V1_PersonName.with {
                    $0.givenName = "Demo"
                    $0.familyName = "Admin"
                })
            logins.append(admin)
            let registryClient = try RegistryClient(endpoint: registry, identity: identity, logger: logger)
            defer { registryClient.shutdown() }
            let clients = ServiceClients(registry: registryClient, identity: identity, logger: logger)
            defer { clients.shutdown() }
            logins += try await seedClinics(clients: clients, logger: logger)
        } catch {
            logger.warning("demo data could not be seeded", metadata: ["error": "\(error)"])
        }
        for login in logins {
            Console.out("demo login: \(login.role) \(login.email) / \(login.password)")
        }
    }
}

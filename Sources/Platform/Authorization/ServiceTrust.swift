/// Which mTLS identities count as platform services: callers of `internal` methods and of
/// methods whose policy lists `service`, without a token.
///
/// Only backend services are trusted by default. The edge and the `clinic` command-line tool
/// (`spiffe://clinic/edge`, `spiffe://clinic/cli`) have certificates too, but they carry
/// outside callers' requests: trusting them as services would let an anonymous HTTP request
/// through the edge act as a service. A server that must serve them without a token (the
/// registry resolving addresses for the edge) adds them to its own trust.
package struct ServiceTrust: Sendable, Hashable {
    /// Trusted service names (`doctors` for `spiffe://clinic/doctors`).
    package var services: Set<String>

    /// Trusts exactly `services`.
    package init(services: Set<String>) {
        self.services = services
    }

    /// The backend services of the platform.
    package static let platformServices = ServiceTrust(services: [
        "registry", "auth", "clinics", "doctors", "patients", "appointments", "consultations", "billing",
        "notifications", "reporting",
    ])

    /// The same trust plus `names`.
    package func adding(_ names: String...) -> ServiceTrust {
        ServiceTrust(services: services.union(names))
    }

    /// The trusted service named by a verified peer identity (`spiffe://clinic/<name>`), if any.
    package func service(forPeerIdentity identity: String?) -> String? {
        guard let identity else { return nil }
        let prefix = "spiffe://clinic/"
        guard identity.hasPrefix(prefix) else { return nil }
        let name = String(identity.dropFirst(prefix.count))
        return services.contains(name) ? name : nil
    }
}

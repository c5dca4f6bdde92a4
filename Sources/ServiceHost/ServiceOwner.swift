package import RPCCore

/// Which platform service hosts an RPC service: the `<name>` of its package `clinic.<name>.v1`,
/// which is also the identity in that service's certificate (`clinic.patients.v1.MedicalRecordService`
/// is served by `patients`). Clients use it to check whom they reached.
package enum ServiceOwner {
    /// The owning service of `rpcService` (a full name), or nil for names outside `clinic.*`.
    package static func of(_ rpcService: String) -> String? {
        let parts = rpcService.split(separator: ".")
        guard parts.count >= 3, parts[0] == "clinic", !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }

    /// The owning service of `service`.
    package static func of(_ service: ServiceDescriptor) -> String? { of(service.fullName) }
}

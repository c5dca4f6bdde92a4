import ClinicAPI
import ProtoRuntime
import RPCCore
import WellKnownTypes

/// The checks the registry makes beyond the `.proto` field rules (which the router has already
/// applied): lease length, label sizes, service-name and host shapes. Each failure is
/// `invalid_argument` naming the field.
enum RegistryRules {
    /// The lease to grant for a requested `ttl` (nil: the default).
    static func grantedTTL(_ ttl: Google_Protobuf_Duration?, configuration: RegistryConfiguration) throws(RPCError) -> Duration {
        guard let ttl else { return configuration.defaultTTL }
        guard let requested = ttl.duration else { throw invalid("ttl", "is not a valid duration") }
        guard requested >= configuration.minimumTTL, requested <= configuration.maximumTTL else {
            throw invalid(
                "ttl", "must be between \(configuration.minimumTTL.components.seconds)s and \(configuration.maximumTTL.components.seconds)s")
        }
        return min(requested, configuration.grantedTTLCap)
    }

    /// Checks an instance to register (its generated rules passed already).
    static func check(_ instance: Clinic_Registry_V1_ServiceInstance) throws(RPCError) {
        var seen = Set<String>()
        for (position, name) in instance.rpcServices.enumerated() {
            guard isRPCServiceName(name) else {
                throw invalid("instance.rpc_services[\(position)]", "is not a full service name like clinic.auth.v1.AuthService")
            }
            guard seen.insert(name).inserted else { throw invalid("instance.rpc_services[\(position)]", "is listed twice") }
        }
        guard isHost(instance.host) else { throw invalid("instance.host", "is not an IP address or DNS name") }
        guard !unroutable.contains(instance.host) else {
            throw invalid("instance.host", "is a wildcard address; register one clients can connect to")
        }
        guard instance.tlsServerName.isEmpty || isHost(instance.tlsServerName) else {
            throw invalid("instance.tls_server_name", "is not a DNS name or IP address")
        }
        for key in instance.metadata.keys.sorted() {
            guard !key.isEmpty, key.count <= 64 else { throw invalid("instance.metadata", "keys must have 1 to 64 characters") }
            // Safe: `key` is a key of the map.
            guard instance.metadata[key]!.count <= 256 else {
                throw invalid("instance.metadata[\(key)]", "must be at most 256 characters")
            }
        }
    }

    /// Checks the service name of a resolve or watch (its length rule passed already).
    static func checkRPCService(_ name: String) throws(RPCError) {
        guard isRPCServiceName(name) else {
            throw invalid("rpc_service", "is not a full service name like clinic.auth.v1.AuthService")
        }
    }

    /// `package.Service`: dot-separated identifiers, at least two.
    static func isRPCServiceName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return false }
        return parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, isLetter(first) || first == "_" else { return false }
            return part.unicodeScalars.allSatisfy { isLetter($0) || isDigit($0) || $0 == "_" }
        }
    }

    /// A DNS name or an IPv4/IPv6 literal (no spaces, no scheme, no port).
    static func isHost(_ host: String) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 253 else { return false }
        if host.contains(":") {
            return host.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == ":" || $0 == "." }
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard !label.isEmpty, label.utf8.count <= 63, label.first != "-", label.last != "-" else { return false }
            return label.unicodeScalars.allSatisfy { isLetter($0) || isDigit($0) || $0 == "-" }
        }
    }

    private static let unroutable: Set<String> = ["0.0.0.0", "::", "0:0:0:0:0:0:0:0"]

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    static func invalid(_ field: String, _ reason: String) -> RPCError {
        RPCError(invalidArgument: ValidationError(fieldPath: field, reason: reason))
    }
}

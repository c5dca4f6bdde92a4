package import RPCTransport

/// What a service process is told when it starts: who it is, where it keeps data, where it
/// listens, where its certificates are, and where the registry is.
package struct ServiceConfiguration: Sendable {
    /// The service identity (its certificate's `spiffe://clinic/<name>`), e.g. `auth`.
    package var serviceName: String
    /// The registry id of this process, unique among the service's instances, e.g. `auth-1`.
    package var instanceID: String
    /// The data folder; services keep their files under `<data>/<service>/`.
    package var dataDirectory: String
    /// Interface to listen on.
    package var host: String
    /// Port to listen on; 0 picks a free one.
    package var port: Int
    /// The address registered for clients; nil means `host` (or 127.0.0.1 when `host` is a wildcard).
    package var advertisedHost: String?
    /// The folder made by `Certs/generate.sh` (`ca.pem`, `<name>.pem`, `<name>.key`).
    package var certificatesDirectory: String
    /// The registry; nil for the registry itself (it does not register with itself).
    package var registry: Endpoint?
    /// Lease length asked of the registry; heartbeats go at a third of it.
    package var leaseTTL: Duration
    /// How long calls in flight may run on after a shutdown signal.
    package var shutdownGracePeriod: Duration
    /// Limits and timers of the RPC connections this process accepts and makes.
    package var connectionSettings: RPCConnectionSettings

    /// A configuration with the platform's defaults for what is not given.
    package init(
        serviceName: String, instanceID: String? = nil, dataDirectory: String, host: String = "127.0.0.1", port: Int = 0,
        advertisedHost: String? = nil, certificatesDirectory: String, registry: Endpoint? = nil,
        leaseTTL: Duration = .seconds(15), shutdownGracePeriod: Duration = .seconds(10),
        connectionSettings: RPCConnectionSettings = .default
    ) {
        self.serviceName = serviceName
        self.instanceID = instanceID ?? "\(serviceName)-1"
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.advertisedHost = advertisedHost
        self.certificatesDirectory = certificatesDirectory
        self.registry = registry
        self.leaseTTL = leaseTTL
        self.shutdownGracePeriod = shutdownGracePeriod
        self.connectionSettings = connectionSettings
    }

    /// The host clients should connect to.
    package var hostForClients: String {
        if let advertisedHost { return advertisedHost }
        return ["0.0.0.0", "::", ""].contains(host) ? "127.0.0.1" : host
    }

    /// This process's TLS identity.
    package var identity: ServiceIdentity {
        ServiceIdentity(name: serviceName, certificatesDirectory: certificatesDirectory)
    }
}

extension Endpoint {
    /// Parses `host:port` (`[v6]:port` for IPv6); nil when it is not one.
    package init?(parsing text: String) {
        var host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        host = host.isEmpty ? "127.0.0.1" : host
        guard let port = Int(portText), (1...65535).contains(port) else { return nil }
        self.init(host: String(host), port: port)
    }
}

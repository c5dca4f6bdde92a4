package import Foundation
package import Logging

/// Settings of the registry service; the defaults are the production values.
package struct RegistryConfiguration: Sendable {
    /// Lease length when a registration asks for none.
    package var defaultTTL: Duration = .seconds(15)
    /// Shortest lease a registration may ask for (shorter is `invalid_argument`).
    package var minimumTTL: Duration = .seconds(1)
    /// Longest lease a registration may ask for (longer is `invalid_argument`).
    package var maximumTTL: Duration = .seconds(300)
    /// Longest lease the registry grants: longer requests are shortened to it, so a dead
    /// instance never lingers longer than this.
    package var grantedTTLCap: Duration = .seconds(300)
    /// How often the sweeper looks for expired leases (reads expire them at once too).
    package var sweepInterval: Duration = .milliseconds(250)
    /// Largest page of `ListInstances`.
    package var maxPageSize = 500
    /// Page size when `ListInstances` asks for none.
    package var defaultPageSize = 100
    /// The clock of leases and timestamps (tests move it by hand).
    package var now: @Sendable () -> Date = { Date() }
    /// Where the registry logs (instance ids, service names and addresses; nothing secret).
    package var logger = Logger(label: "clinic.registry")

    /// The production settings.
    package init() {}
}

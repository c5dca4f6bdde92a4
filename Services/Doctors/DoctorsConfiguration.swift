package import Foundation
package import Logging
package import Storage

/// Settings of the doctors service; the defaults are the production values.
package struct DoctorsConfiguration: Sendable {
    /// The data folder; the service uses `<data>/doctors/<clinic>.sqlite`.
    package var dataDirectory: String
    /// How long calls to the auth, clinics and appointments services may take.
    package var callTimeout: Duration = .seconds(10)
    /// How long a clinic (time zone, closures) and the specialty catalog read from the clinics
    /// service are reused; zero asks every time.
    package var clinicCacheLifetime: Duration = .seconds(30)
    /// An addition left half-done (its account could not be confirmed) older than this no longer
    /// holds its e-mail; the auth service remembers request ids for 24 hours.
    package var abandonedAdditionAge: Duration = .seconds(24 * 3600)
    /// Tenant databases kept open at once.
    package var maxOpenDatabases = 64
    /// The clock (tests move it).
    package var now: @Sendable () -> Date = { Date() }
    /// Where the service logs (ids and codes only, never names, e-mails or passwords).
    package var logger = Logger(label: "clinic.doctors")
    /// Storage tuning.
    package var storage = StorageConfiguration()

    /// The production settings for `dataDirectory`.
    package init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }
}

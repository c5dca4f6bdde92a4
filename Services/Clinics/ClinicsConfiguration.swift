package import Foundation
package import Logging
package import Storage

/// Settings of the clinics service; the defaults are the production values.
package struct ClinicsConfiguration: Sendable {
    /// The data folder; the service uses `<data>/clinics/platform.db`.
    package var dataDirectory: String
    /// How long a call to the auth service may take.
    package var authCallTimeout: Duration = .seconds(15)
    /// A creation left half-done (its admin account could not be confirmed) older than this is
    /// abandoned: it no longer blocks its name and address. The auth service remembers creation
    /// request ids for 24 hours, so a retry within that time resumes the creation instead.
    package var abandonedCreationAge: Duration = .seconds(24 * 3600)
    /// How soon a staff access change the auth service did not confirm (DeleteClinic,
    /// UndeleteClinic) is retried in the background; the delay doubles up to a minute.
    package var staffAccessRetryDelay: Duration = .seconds(1)
    /// The clock (tests move it).
    package var now: @Sendable () -> Date = { Date() }
    /// Where the service logs (ids and codes only, never names, e-mails or passwords).
    package var logger = Logger(label: "clinic.clinics")
    /// Storage tuning.
    package var storage = StorageConfiguration()

    /// The production settings for `dataDirectory`.
    package init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }
}

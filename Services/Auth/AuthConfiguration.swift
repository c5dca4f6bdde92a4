package import ClinicTLS
package import Foundation
package import Logging
package import Platform
package import Storage

/// Settings of the auth service; the defaults are the production values.
package struct AuthConfiguration: Sendable {
    /// The data folder; the service uses `<data>/auth/`.
    package var dataDirectory: String
    /// Issuer, audience, access token lifetime (10 minutes), leeway.
    package var tokens = TokenSettings()
    /// How long an unused refresh token lives; each refresh slides it (14 days).
    package var refreshTokenLifetime: Duration = .seconds(14 * 24 * 3600)
    /// How long a login session lasts at most, however often it is refreshed (30 days).
    package var sessionLifetime: Duration = .seconds(30 * 24 * 3600)
    /// How long a password-reset link works (30 minutes).
    package var resetTokenLifetime: Duration = .seconds(30 * 60)
    /// How long an invitation (set-your-password) link works (7 days).
    package var invitationLifetime: Duration = .seconds(7 * 24 * 3600)
    /// Reset links per account per hour; further requests are silently dropped.
    package var resetRequestsPerHour = 3
    /// scrypt cost of new password hashes (OWASP: 2^17, 8, 1).
    package var passwordHashing: ScryptParameters = .passwordStorage
    /// Threads hashing passwords; also bounds their memory (128 MiB each at the default cost).
    package var hashingThreads = 2
    /// Lockout after failed logins.
    var lockout = LockoutPolicy()
    /// Where links in e-mails point (the edge's public URL).
    package var publicBaseURL = "http://127.0.0.1:8080"
    /// Whether a patient account is linked to a clinic (from the patients service), for profile
    /// visibility; without it patients see no doctor profiles.
    package var patientLinks: StandardTenantAdmission.PatientLinks?
    /// The clock (tests move it).
    package var now: @Sendable () -> Date = { Date() }
    /// Where the service logs (never passwords, tokens, links or personal data).
    package var logger = Logger(label: "clinic.auth")
    /// Storage tuning.
    package var storage = StorageConfiguration()

    /// The production settings for `dataDirectory`.
    package init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    /// Failed logins before the first lock, and the first lock's length (doubling after each
    /// further failure up to `maxLock`).
    package mutating func setLockout(threshold: Int, baseLock: Duration, maxLock: Duration) {
        lockout = LockoutPolicy(threshold: threshold, baseLock: baseLock, maxLock: maxLock)
    }
}

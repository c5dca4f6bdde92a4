import Foundation
import Platform
import Storage

/// Whether an account can log in, is waiting for its first password, or was deleted.
enum AccountStatus: String, Sendable, Hashable {
    case active
    case pending
    case disabled
}

/// One row of `accounts`.
struct AccountRecord: Sendable, Hashable {
    var id: String
    var email: String
    var givenName = ""
    var familyName = ""
    var namePrefix = ""
    var roles: Set<Role>
    var clinicID: String?
    var status: AccountStatus
    var statusBeforeDelete: AccountStatus?
    var emailVerified = false
    var passwordHash: String?
    var throttle = LoginThrottle()
    var phone = ""
    var languageCode = ""
    var timeZone = ""
    var createdAt: Date
    var updatedAt: Date
    var deletedAt: Date?
    var lastLoginAt: Date?
    var version: Int64 = 1

    /// The unique, case-insensitive form of the e-mail.
    var emailKey: String { EmailAddress.key(email) }

    /// The etag clients pass back to detect concurrent changes.
    var etag: String { "v\(version)" }

    /// Roles as stored: sorted names, each between commas, so `LIKE '%,doctor,%'` finds one.
    var rolesColumn: String { "," + roles.sorted().map(\.rawValue).joined(separator: ",") + "," }

    /// Folded e-mail and names, for case- and accent-insensitive prefix search.
    var searchText: String {
        [email, givenName, familyName].map(SearchText.fold).joined(separator: " ")
    }

    static let columns = """
        id, email, given_name, family_name, name_prefix, roles, clinic_id, status, status_before_delete,
        email_verified, password_hash, failed_logins, locked_until_ms, phone, language_code, time_zone,
        created_ms, updated_ms, deleted_ms, last_login_ms, version
        """

    init(
        id: String, email: String, roles: Set<Role>, clinicID: String?, status: AccountStatus, createdAt: Date
    ) {
        self.id = id
        self.email = email
        self.roles = roles
        self.clinicID = clinicID
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    init(row: Row) throws {
        id = try row.get("id")
        email = try row.get("email")
        givenName = try row.get("given_name")
        familyName = try row.get("family_name")
        namePrefix = try row.get("name_prefix")
        let roleNames: String = try row.get("roles")
        roles = Set(roleNames.split(separator: ",").compactMap { Role(rawValue: String($0)) })
        clinicID = try row.get("clinic_id")
        let statusName: String = try row.get("status")
        status = AccountStatus(rawValue: statusName) ?? .disabled
        statusBeforeDelete = try row.get("status_before_delete", as: String?.self).flatMap(AccountStatus.init)
        emailVerified = try row.get("email_verified")
        passwordHash = try row.get("password_hash")
        throttle = LoginThrottle(failures: try row.get("failed_logins"), lockedUntil: try row.get("locked_until_ms"))
        phone = try row.get("phone")
        languageCode = try row.get("language_code")
        timeZone = try row.get("time_zone")
        createdAt = try row.get("created_ms")
        updatedAt = try row.get("updated_ms")
        deletedAt = try row.get("deleted_ms")
        lastLoginAt = try row.get("last_login_ms")
        version = try row.get("version")
    }

    /// The values for `columns`, in order, plus `email_key` and `search_text` at the end.
    var bindings: [any SQLBindable] {
        [
            id, email, givenName, familyName, namePrefix, rolesColumn, clinicID, status.rawValue,
            statusBeforeDelete?.rawValue, emailVerified, passwordHash, throttle.failures, throttle.lockedUntil, phone,
            languageCode, timeZone, createdAt, updatedAt, deletedAt, lastLoginAt, version, emailKey, searchText,
        ]
    }

    /// The tenant of the account's access tokens (clinic admins and doctors).
    var tokenTenant: TenantID? {
        guard roles.contains(where: \.isClinicStaff), let clinicID else { return nil }
        return try? TenantID(clinicID)
    }
}

/// Text folded for search: lower-cased, accents removed.
enum SearchText {
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}

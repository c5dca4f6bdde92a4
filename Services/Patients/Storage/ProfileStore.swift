import ClinicAPI
import Foundation
import Platform
import ProtoRuntime
import Storage
import WellKnownTypes

/// A patient's platform profile (`patient_profiles`), from sign-up.
struct ProfileRecord: Sendable, Equatable {
    var accountID: String
    var email: String
    var name: Clinic_Common_V1_PersonName
    var birthDate: CalendarDay
    var sex: Clinic_Patients_V1_Sex
    var phone: String
    var languageCode: String
    var address: Clinic_Common_V1_PostalAddress?
    var nationalID: Clinic_Patients_V1_NationalId?
    var acceptedTermsVersion: String
    var createdAt: Date
    var updatedAt: Date
    var version: Int

    /// The profile as the API returns it.
    var proto: Clinic_Patients_V1_PatientProfile {
        var profile = Clinic_Patients_V1_PatientProfile()
        profile.accountId = accountID
        var name = self.name
        name.displayName = name.formatted
        profile.name = name
        profile.birthDate = birthDate.proto
        profile.sex = sex
        var contact = Clinic_Common_V1_ContactInfo()
        contact.email = email
        contact.phone = phone
        contact.languageCode = languageCode
        profile.contact = contact
        profile.address = address
        profile.nationalId = nationalID
        profile.updateTime = Google_Protobuf_Timestamp(date: updatedAt)
        return profile
    }
}

/// The SQL for `patient_profiles`, in the platform database.
enum ProfileStore {
    private static let columns = """
        account_id, email, given_name, family_name, name_prefix, birth_date, sex, phone, language_code, address,
        national_id_value, national_id_region, accepted_terms_version, created_ms, updated_ms, version
        """

    /// Inserts `profile`, or does nothing when the account already has one (a retried sign-up).
    static func insertIfAbsent(_ profile: ProfileRecord, _ db: Connection) throws {
        try db.execute(
            """
            INSERT INTO patient_profiles (\(columns), email_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (account_id) DO NOTHING
            """, try values(of: profile) + [TextKeys.email(profile.email)])
    }

    /// Writes every column of `profile` over its row.
    static func update(_ profile: ProfileRecord, _ db: Connection) throws {
        var bindings = try values(of: profile)
        let accountID = bindings.removeFirst()
        try db.execute(
            """
            UPDATE patient_profiles SET email = ?, given_name = ?, family_name = ?, name_prefix = ?, birth_date = ?,
                sex = ?, phone = ?, language_code = ?, address = ?, national_id_value = ?, national_id_region = ?,
                accepted_terms_version = ?, created_ms = ?, updated_ms = ?, version = ?, email_key = ?
            WHERE account_id = ?
            """, bindings + [TextKeys.email(profile.email), accountID])
    }

    /// The profile of `accountID`, if any.
    static func find(accountID: String, _ db: Connection) throws -> ProfileRecord? {
        try db.queryFirst("SELECT \(columns) FROM patient_profiles WHERE account_id = ?", [accountID], as: decode)
    }

    /// The profile whose login e-mail is `email` (case-insensitive), if any.
    static func find(email: String, _ db: Connection) throws -> ProfileRecord? {
        try db.queryFirst(
            "SELECT \(columns) FROM patient_profiles WHERE email_key = ?", [TextKeys.email(email)], as: decode)
    }

    private static func values(of profile: ProfileRecord) throws -> [any SQLBindable] {
        [
            profile.accountID, profile.email, profile.name.givenName, profile.name.familyName, profile.name.prefix,
            profile.birthDate.description, Int(profile.sex.protoNumber), profile.phone, profile.languageCode,
            try profile.address?.serializedBytes(), profile.nationalID?.value, profile.nationalID?.regionCode,
            profile.acceptedTermsVersion, profile.createdAt, profile.updatedAt, profile.version,
        ]
    }

    private static func decode(_ row: Row) throws -> ProfileRecord {
        var name = Clinic_Common_V1_PersonName()
        name.givenName = try row.get("given_name")
        name.familyName = try row.get("family_name")
        name.prefix = try row.get("name_prefix")
        var nationalID: Clinic_Patients_V1_NationalId?
        if let value: String = try row.get("national_id_value") {
            var id = Clinic_Patients_V1_NationalId()
            id.value = value
            id.regionCode = try row.get("national_id_region", as: String?.self) ?? ""
            nationalID = id
        }
        let address: [UInt8]? = try row.get("address")
        guard let birthDate = CalendarDay(text: try row.get("birth_date")) else {
            throw StorageError(.typeMismatch, "patient_profiles.birth_date is not a date")
        }
        return ProfileRecord(
            accountID: try row.get("account_id"), email: try row.get("email"), name: name, birthDate: birthDate,
            sex: Clinic_Patients_V1_Sex(protoNumber: try row.get("sex")), phone: try row.get("phone"),
            languageCode: try row.get("language_code"),
            address: try address.map { try Clinic_Common_V1_PostalAddress(serializedBytes: $0) }, nationalID: nationalID,
            acceptedTermsVersion: try row.get("accepted_terms_version"), createdAt: try row.get("created_ms"),
            updatedAt: try row.get("updated_ms"), version: try row.get("version"))
    }
}

/// One link from a patient account to a clinic (`clinic_links`, platform database).
struct LinkRecord: Sendable, Hashable {
    var accountID: String
    var clinicID: String
    var patientID: String
    var clinicName: String
    var linkedAt: Date

    /// The link as the API returns it.
    var proto: Clinic_Patients_V1_ClinicLink {
        var link = Clinic_Patients_V1_ClinicLink()
        link.clinicId = clinicID
        link.clinicDisplayName = clinicName
        link.patientId = patientID
        link.linkTime = Google_Protobuf_Timestamp(date: linkedAt)
        return link
    }
}

/// The SQL for `clinic_links`: the cross-clinic index of patient accounts.
enum LinkStore {
    /// Inserts `link` unless the account is already linked to that clinic; returns the link that holds.
    @discardableResult
    static func insertIfAbsent(_ link: LinkRecord, _ db: Connection) throws -> LinkRecord {
        try db.execute(
            """
            INSERT INTO clinic_links (account_id, clinic_id, patient_id, clinic_name, link_ms) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (account_id, clinic_id) DO NOTHING
            """, [link.accountID, link.clinicID, link.patientID, link.clinicName, link.linkedAt])
        return try find(accountID: link.accountID, clinicID: link.clinicID, db) ?? link
    }

    /// The link of `accountID` to `clinicID`, if any.
    static func find(accountID: String, clinicID: String, _ db: Connection) throws -> LinkRecord? {
        try db.queryFirst(
            "SELECT account_id, clinic_id, patient_id, clinic_name, link_ms FROM clinic_links WHERE account_id = ? AND clinic_id = ?",
            [accountID, clinicID], as: decode)
    }

    /// A page of `accountID`'s links, most recent first, after `cursor`.
    static func list(accountID: String, after cursor: LinkCursor?, limit: Int, _ db: Connection) throws -> [LinkRecord] {
        var sql = "SELECT account_id, clinic_id, patient_id, clinic_name, link_ms FROM clinic_links WHERE account_id = ?"
        var bindings: [any SQLBindable] = [accountID]
        if let cursor {
            sql += " AND (link_ms < ? OR (link_ms = ? AND clinic_id < ?))"
            bindings += [cursor.linkMs, cursor.linkMs, cursor.clinicID] as [any SQLBindable]
        }
        sql += " ORDER BY link_ms DESC, clinic_id DESC LIMIT ?"
        bindings.append(limit)
        return try db.query(sql, bindings, as: decode)
    }

    private static func decode(_ row: Row) throws -> LinkRecord {
        LinkRecord(
            accountID: try row.get("account_id"), clinicID: try row.get("clinic_id"), patientID: try row.get("patient_id"),
            clinicName: try row.get("clinic_name"), linkedAt: try row.get("link_ms"))
    }
}

/// The position after the last link of a page.
struct LinkCursor: Codable, Sendable, Hashable {
    var linkMs: Int64
    var clinicID: String

    init(_ link: LinkRecord) {
        linkMs = Int64((link.linkedAt.timeIntervalSince1970 * 1000).rounded())
        clinicID = link.clinicID
    }
}

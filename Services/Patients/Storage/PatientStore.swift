import ClinicAPI
import Foundation
import ProtoRuntime
import Storage

/// The SQL for `patients`. Every function runs inside a transaction its caller opened.
enum PatientStore {
    private static let columns = """
        id, account_id, given_name, family_name, name_prefix, national_id_value, national_id_region, birth_date, sex,
        email, phone, language_code, address, state, created_ms, updated_ms, deleted_ms, version
        """

    /// Inserts `patient`; an account already linked to another patient fails with `uniqueViolation`.
    static func insert(_ patient: PatientRecord, _ db: Connection) throws {
        try db.execute(
            """
            INSERT INTO patients (\(columns), given_key, family_key, search_text, national_id_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, try values(of: patient) + keys(of: patient))
    }

    /// Writes every column of `patient` over its row.
    static func update(_ patient: PatientRecord, _ db: Connection) throws {
        var bindings = try values(of: patient)
        let id = bindings.removeFirst()
        try db.execute(
            """
            UPDATE patients SET account_id = ?, given_name = ?, family_name = ?, name_prefix = ?, national_id_value = ?,
                national_id_region = ?, birth_date = ?, sex = ?, email = ?, phone = ?, language_code = ?, address = ?,
                state = ?, created_ms = ?, updated_ms = ?, deleted_ms = ?, version = ?, given_key = ?, family_key = ?,
                search_text = ?, national_id_key = ?
            WHERE id = ?
            """, bindings + keys(of: patient) + [id])
    }

    /// The patient with `id`, if any.
    static func find(id: String, _ db: Connection) throws -> PatientRecord? {
        try db.queryFirst("SELECT \(columns) FROM patients WHERE id = ?", [id], as: decode)
    }

    /// The patient linked to `accountID`, if any.
    static func find(accountID: String, _ db: Connection) throws -> PatientRecord? {
        try db.queryFirst("SELECT \(columns) FROM patients WHERE account_id = ?", [accountID], as: decode)
    }

    /// Patients that may be the same person as `patient`: the same national id (value and
    /// country), or the same folded given and family name and birth date. `patient` itself is left out.
    static func likelyDuplicates(of patient: PatientRecord, limit: Int, _ db: Connection) throws
        -> [(PatientRecord, [Clinic_Patients_V1_DuplicateReason])]
    {
        let keys = patient.nameKeys
        let region = patient.nationalID?.regionCode ?? ""
        let nationalKey = patient.nationalIDKey ?? ""
        let rows = try db.query(
            """
            SELECT \(columns),
                (national_id_key IS NOT NULL AND national_id_region = ? AND national_id_key = ?) AS same_id,
                (given_key = ? AND family_key = ? AND birth_date = ?) AS same_name
            FROM patients
            WHERE id <> ? AND ((national_id_key IS NOT NULL AND national_id_region = ? AND national_id_key = ? AND ? <> '')
               OR (given_key = ? AND family_key = ? AND birth_date = ?))
            ORDER BY same_id + same_name DESC, same_id DESC, family_key, given_key, id
            LIMIT ?
            """,
            [region, nationalKey, keys.given, keys.family, patient.birthDate.description, patient.id, region, nationalKey,
             nationalKey, keys.given, keys.family, patient.birthDate.description, limit])
        return try rows.map { row in
            var reasons: [Clinic_Patients_V1_DuplicateReason] = []
            if try row.get("same_id", as: Int.self) == 1 { reasons.append(.nationalId) }
            if try row.get("same_name", as: Int.self) == 1 { reasons.append(.nameAndBirthDate) }
            return (try decode(row), reasons)
        }
    }

    /// A page of patients matching `query`, ordered by family name, given name and id.
    static func search(_ query: PatientQuery, after cursor: PatientCursor?, limit: Int, _ db: Connection) throws -> [PatientRecord] {
        var conditions: [String] = []
        var bindings: [any SQLBindable] = []
        for word in query.words {
            conditions.append("search_text LIKE ? ESCAPE '\\'")
            bindings.append("% " + TextKeys.likeEscaped(word) + "%")
        }
        if let nationalID = query.nationalIDKey {
            conditions.append("national_id_key = ?")
            bindings.append(nationalID)
        }
        if let birthDate = query.birthDate {
            conditions.append("birth_date = ?")
            bindings.append(birthDate.description)
        }
        if let phone = query.phone {
            conditions.append("phone = ?")
            bindings.append(phone)
        }
        if !query.showArchived { conditions.append("state = 'active'") }
        if let cursor {
            conditions.append("(family_key, given_key, id) > (?, ?, ?)")
            bindings += [cursor.familyKey, cursor.givenKey, cursor.id] as [any SQLBindable]
        }
        bindings.append(limit)
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try db.query(
            "SELECT \(columns) FROM patients \(whereClause) ORDER BY family_key, given_key, id LIMIT ?", bindings, as: decode)
    }

    private static func values(of patient: PatientRecord) throws -> [any SQLBindable] {
        [
            patient.id, patient.accountID, patient.name.givenName, patient.name.familyName, patient.name.prefix,
            patient.nationalID?.value, patient.nationalID?.regionCode, patient.birthDate.description,
            Int(patient.sex.protoNumber), patient.contact.email, patient.contact.phone, patient.contact.languageCode,
            try patient.address?.serializedBytes(), patient.isArchived ? "archived" : "active", patient.createdAt,
            patient.updatedAt, patient.deletedAt, patient.version,
        ]
    }

    private static func keys(of patient: PatientRecord) -> [any SQLBindable] {
        let keys = patient.nameKeys
        return [
            keys.given, keys.family, TextKeys.searchText(given: patient.name.givenName, family: patient.name.familyName),
            patient.nationalIDKey,
        ]
    }

    private static func decode(_ row: Row) throws -> PatientRecord {
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
        var contact = Clinic_Common_V1_ContactInfo()
        contact.email = try row.get("email")
        contact.phone = try row.get("phone")
        contact.languageCode = try row.get("language_code")
        let address: [UInt8]? = try row.get("address")
        guard let birthDate = CalendarDay(text: try row.get("birth_date")) else {
            throw StorageError(.typeMismatch, "patients.birth_date is not a date")
        }
        return PatientRecord(
            id: try row.get("id"), accountID: try row.get("account_id"), name: name, nationalID: nationalID,
            birthDate: birthDate, sex: Clinic_Patients_V1_Sex(protoNumber: try row.get("sex")), contact: contact,
            address: try address.map { try Clinic_Common_V1_PostalAddress(serializedBytes: $0) },
            isArchived: try row.get("state") == "archived", createdAt: try row.get("created_ms"),
            updatedAt: try row.get("updated_ms"), deletedAt: try row.get("deleted_ms"), version: try row.get("version"))
    }
}

/// The criteria of a patient search (combined with AND).
struct PatientQuery: Sendable, Hashable {
    /// Folded words, each a prefix of a given or family name word.
    var words: [String] = []
    var nationalIDKey: String?
    var birthDate: CalendarDay?
    var phone: String?
    var showArchived = false

    /// Whether at least one criterion is set.
    var hasCriteria: Bool { !words.isEmpty || nationalIDKey != nil || birthDate != nil || phone != nil }
}

/// The position after the last patient of a page.
struct PatientCursor: Codable, Sendable, Hashable {
    var familyKey: String
    var givenKey: String
    var id: String

    init(_ patient: PatientRecord) {
        let keys = patient.nameKeys
        familyKey = keys.family
        givenKey = keys.given
        id = patient.id
    }
}

import ClinicAPI
import Foundation
import Platform
import WellKnownTypes

/// One row of `patients`: a patient of one clinic.
struct PatientRecord: Sendable, Equatable {
    var id: String
    var accountID: String?
    var name: Clinic_Common_V1_PersonName
    var nationalID: Clinic_Patients_V1_NationalId?
    var birthDate: CalendarDay
    var sex: Clinic_Patients_V1_Sex
    var contact: Clinic_Common_V1_ContactInfo
    var address: Clinic_Common_V1_PostalAddress?
    var isArchived: Bool
    var createdAt: Date
    var updatedAt: Date
    var deletedAt: Date?
    var version: Int

    /// Changes on every update; requests pass it back to detect concurrent changes.
    var etag: String { "\(version)" }

    /// The folded given and family names, for duplicate detection.
    var nameKeys: (given: String, family: String) {
        (TextKeys.fold(name.givenName), TextKeys.fold(name.familyName))
    }

    /// The normalized national id, for duplicate detection and search.
    var nationalIDKey: String? {
        nationalID.map { TextKeys.nationalID($0.value) }
    }

    /// Records a change made at `now`.
    mutating func touch(_ now: Date) {
        updatedAt = now
        version += 1
    }

    /// The patient as the API returns it.
    var proto: Clinic_Patients_V1_Patient {
        var patient = Clinic_Patients_V1_Patient()
        patient.id = id
        patient.accountId = accountID ?? ""
        var name = self.name
        name.displayName = name.formatted
        patient.name = name
        patient.nationalId = nationalID
        patient.birthDate = birthDate.proto
        patient.sex = sex
        patient.contact = contact
        patient.address = address
        patient.state = isArchived ? .archived : .active
        patient.createTime = Google_Protobuf_Timestamp(date: createdAt)
        patient.updateTime = Google_Protobuf_Timestamp(date: updatedAt)
        patient.deleteTime = deletedAt.map { Google_Protobuf_Timestamp(date: $0) }
        patient.etag = etag
        return patient
    }
}

/// Identifiers of this service's rows: a prefix and 32 hex digits of a random UUID, within FORMAT_ID.
enum RowID {
    /// A new identifier, e.g. `pat_3f2a…`.
    static func make(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}

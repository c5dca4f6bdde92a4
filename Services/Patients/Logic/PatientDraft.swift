import ClinicAPI
import Foundation
import RPCCore

/// The checks on patient data that the generated field rules cannot express, turning request
/// messages into records: names need a given or family name, birth dates are real days in the
/// past, sex is set, contact and national id values are trimmed. Pure.
enum PatientDraft {
    /// A new patient from a RegisterPatient request's `patient` (output-only fields ignored).
    static func make(_ patient: Clinic_Patients_V1_Patient, id: String, now: Date, field: String = "patient") throws(RPCError)
        -> PatientRecord
    {
        let name = try RequestCheck.name(patient.name, field: "\(field).name")
        let birthDate = try RequestCheck.birthDate(patient.birthDate, field: "\(field).birth_date", today: now)
        let sex = try self.sex(patient.sex, field: "\(field).sex")
        return PatientRecord(
            id: id, accountID: nil, name: name, nationalID: try nationalID(patient.nationalId, field: "\(field).national_id"),
            birthDate: birthDate, sex: sex, contact: contact(patient.contact), address: patient.address, isArchived: false,
            createdAt: now, updatedAt: now, deletedAt: nil, version: 1)
    }

    /// A clinic's patient from a patient's platform profile (LinkPatientToClinic).
    static func make(_ profile: ProfileRecord, id: String, now: Date) -> PatientRecord {
        var contact = Clinic_Common_V1_ContactInfo()
        contact.email = profile.email
        contact.phone = profile.phone
        contact.languageCode = profile.languageCode
        return PatientRecord(
            id: id, accountID: profile.accountID, name: profile.name, nationalID: profile.nationalID,
            birthDate: profile.birthDate, sex: profile.sex, contact: contact, address: profile.address, isArchived: false,
            createdAt: now, updatedAt: now, deletedAt: nil, version: 1)
    }

    /// A required administrative sex (SEX_UNKNOWN is a value; unspecified is not).
    static func sex(_ sex: Clinic_Patients_V1_Sex, field: String) throws(RPCError) -> Clinic_Patients_V1_Sex {
        switch sex {
        case .female, .male, .other, .unknown: return sex
        case .unspecified: throw RequestCheck.invalid(field, "is required (SEX_UNKNOWN when not known)")
        case .UNRECOGNIZED: throw RequestCheck.invalid(field, "is not a known value")
        }
    }

    /// A trimmed national id, or nil when absent.
    static func nationalID(_ id: Clinic_Patients_V1_NationalId?, field: String) throws(RPCError) -> Clinic_Patients_V1_NationalId? {
        guard var id else { return nil }
        id.value = id.value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !TextKeys.nationalID(id.value).isEmpty else { throw RequestCheck.invalid("\(field).value", "is empty") }
        id.regionCode = id.regionCode.uppercased()
        return id
    }

    /// The contact with trimmed values (absent: empty).
    static func contact(_ contact: Clinic_Common_V1_ContactInfo?) -> Clinic_Common_V1_ContactInfo {
        var trimmed = contact ?? Clinic_Common_V1_ContactInfo()
        trimmed.email = trimmed.email.trimmingCharacters(in: .whitespacesAndNewlines)
        trimmed.phone = trimmed.phone.trimmingCharacters(in: .whitespacesAndNewlines)
        trimmed.languageCode = trimmed.languageCode.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed
    }

    /// Applies an UpdatePatient request to `patient`. A patient caller may change only their own
    /// `contact` and `address` (`permission_denied` for any other field).
    static func apply(
        _ request: Clinic_Patients_V1_UpdatePatientRequest, to patient: inout PatientRecord, byPatient: Bool, now: Date
    ) throws(RPCError) {
        if byPatient {
            let staffOnly: [(Bool, String)] = [
                (request.name != nil, "name"), (request.nationalId != nil, "national_id"),
                (request.birthDate != nil, "birth_date"), (request.sex != nil, "sex"),
            ]
            if let field = staffOnly.first(where: { $0.0 })?.1 {
                throw RPCError(code: .permissionDenied, message: "\(field): patients may change only their contact and address")
            }
        }
        if request.name != nil { patient.name = try RequestCheck.name(request.name, field: "name") }
        if let nationalID = request.nationalId { patient.nationalID = try self.nationalID(nationalID, field: "national_id") }
        if request.birthDate != nil {
            patient.birthDate = try RequestCheck.birthDate(request.birthDate, field: "birth_date", today: now)
        }
        if let sex = request.sex { patient.sex = try self.sex(sex, field: "sex") }
        if let contact = request.contact { patient.contact = self.contact(contact) }
        if let address = request.address { patient.address = address }
    }
}

import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore

/// The semantic checks on a doctor's fields that the generated `validate()` cannot express;
/// each throws `invalid_argument` naming the field.
enum DoctorRules {
    static func invalid(_ field: String, _ reason: String) -> RPCError {
        RPCError(invalidArgument: ValidationError(fieldPath: field, reason: reason))
    }

    /// A name with a given or a family name, trimmed.
    static func name(_ name: Clinic_Common_V1_PersonName?, field: String) throws(RPCError) -> Clinic_Common_V1_PersonName {
        guard var name else { throw invalid(field, "is required") }
        name.givenName = name.givenName.trimmingCharacters(in: .whitespaces)
        name.familyName = name.familyName.trimmingCharacters(in: .whitespaces)
        name.prefix = name.prefix.trimmingCharacters(in: .whitespaces)
        name.displayName = ""
        guard !name.givenName.isEmpty || !name.familyName.isEmpty else {
            throw invalid(field, "a given name or a family name is required")
        }
        return name
    }

    /// At least one specialty code, no duplicates (the catalog is checked separately).
    static func specialtyCodes(_ codes: [String], field: String) throws(RPCError) -> [String] {
        guard !codes.isEmpty else { throw invalid(field, "at least one specialty is required") }
        try noDuplicates(codes, field: field)
        return codes
    }

    /// Language tags without duplicates.
    static func languageCodes(_ codes: [String], field: String) throws(RPCError) -> [String] {
        try noDuplicates(codes, field: field)
        return codes
    }

    static func noDuplicates(_ values: [String], field: String) throws(RPCError) {
        var seen = Set<String>()
        for (index, value) in values.enumerated() where !seen.insert(value).inserted {
            throw invalid("\(field)[\(index)]", "duplicates \(value)")
        }
    }
}

/// A new doctor as AddDoctor describes it, checked.
struct DoctorDraft: Sendable {
    var details: Clinic_Doctors_V1_Doctor
    var email: String
    /// Empty: the auth service sends an invitation instead. Never logged.
    var initialPassword: String

    /// The e-mail as compared (case-insensitively, like the auth service does).
    var emailKey: String { email.lowercased() }

    init(_ request: Clinic_Doctors_V1_AddDoctorRequest) throws(RPCError) {
        guard let input = request.doctor else { throw DoctorRules.invalid("doctor", "is required") }
        var details = Clinic_Doctors_V1_Doctor()
        details.name = try DoctorRules.name(input.name, field: "doctor.name")
        details.specialtyCodes = try DoctorRules.specialtyCodes(input.specialtyCodes, field: "doctor.specialty_codes")
        details.contact = input.contact
        details.licenseNumber = input.licenseNumber.trimmingCharacters(in: .whitespaces)
        details.biography = input.biography.trimmingCharacters(in: .whitespacesAndNewlines)
        details.languageCodes = try DoctorRules.languageCodes(input.languageCodes, field: "doctor.language_codes")
        details.onlineBookingEnabled = input.onlineBookingEnabled
        self.details = details
        email = request.email.trimmingCharacters(in: .whitespaces)
        guard !email.isEmpty else { throw DoctorRules.invalid("email", "is required") }
        initialPassword = request.initialPassword
    }
}

/// The changes an UpdateDoctorRequest asks for, checked.
struct DoctorUpdate: Sendable {
    private let request: Clinic_Doctors_V1_UpdateDoctorRequest
    private var name: Clinic_Common_V1_PersonName?
    private var specialtyCodes: [String]?
    private var languageCodes: [String]?

    init(_ request: Clinic_Doctors_V1_UpdateDoctorRequest) throws(RPCError) {
        self.request = request
        if request.name != nil { name = try DoctorRules.name(request.name, field: "name") }
        if let list = request.specialtyCodes {
            specialtyCodes = try DoctorRules.specialtyCodes(list.codes, field: "specialty_codes.codes")
        }
        if let list = request.languageCodes {
            languageCodes = try DoctorRules.languageCodes(list.codes, field: "language_codes.codes")
        }
    }

    /// The specialty codes to check against the catalog, if set.
    var newSpecialtyCodes: [String]? { specialtyCodes }

    /// The first field set that only the clinic admin may change, if any.
    var adminOnlyField: String? {
        if request.name != nil { return "name" }
        if request.specialtyCodes != nil { return "specialty_codes" }
        if request.licenseNumber != nil { return "license_number" }
        if request.onlineBookingEnabled != nil { return "online_booking_enabled" }
        return nil
    }

    /// `details` with the changes made.
    func apply(to details: Clinic_Doctors_V1_Doctor) -> Clinic_Doctors_V1_Doctor {
        var details = details
        if let name { details.name = name }
        if let specialtyCodes { details.specialtyCodes = specialtyCodes }
        if let contact = request.contact { details.contact = contact }
        if let license = request.licenseNumber { details.licenseNumber = license.trimmingCharacters(in: .whitespaces) }
        if let biography = request.biography { details.biography = biography.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let languageCodes { details.languageCodes = languageCodes }
        if let online = request.onlineBookingEnabled { details.onlineBookingEnabled = online }
        return details
    }
}

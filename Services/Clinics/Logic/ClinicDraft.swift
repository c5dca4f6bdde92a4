import ClinicAPI
import Foundation
import RPCCore
import WellKnownTypes

/// A new clinic as CreateClinic describes it, every field checked and normalized.
struct ClinicDraft: Sendable {
    /// The descriptive fields to store (output-only fields cleared).
    var details: Clinic_Clinics_V1_Clinic
    var admin: AdminInvite

    /// Checks the request's semantic rules (the generated `validate()` already ran).
    init(_ request: Clinic_Clinics_V1_CreateClinicRequest) throws(RPCError) {
        guard let input = request.clinic else { throw ClinicRules.invalid("clinic", "is required") }
        var details = Clinic_Clinics_V1_Clinic()
        details.displayName = try ClinicRules.displayName(input.displayName, field: "clinic.display_name")
        details.address = try ClinicRules.address(input.address, field: "clinic.address")
        details.contact = input.contact
        details.websiteUri = input.websiteUri
        details.timeZone = try ClinicRules.timeZone(input.timeZone, field: "clinic.time_zone")
        guard !input.currency.isEmpty else { throw ClinicRules.invalid("clinic.currency", "is required") }
        details.currency = input.currency
        details.specialtyCodes = try ClinicRules.specialtyCodes(input.specialtyCodes, field: "clinic.specialty_codes")
        details.openingHours = try ClinicRules.openingHours(input.openingHours, field: "clinic.opening_hours")
        details.closures = try ClinicRules.closures(input.closures, field: "clinic.closures")
        details.bookingPolicy = try ClinicRules.bookingPolicy(
            input.bookingPolicy ?? Self.defaultBookingPolicy, field: "clinic.booking_policy")
        self.details = details
        admin = try AdminInvite(request.firstAdmin, field: "first_admin")
    }

    /// Online booking on, confirmed at once, no lead time, 180 days ahead, 24 h cancellation notice.
    static var defaultBookingPolicy: Clinic_Clinics_V1_BookingPolicy {
        var policy = Clinic_Clinics_V1_BookingPolicy()
        policy.onlineBookingEnabled = true
        var advance = Google_Protobuf_Duration()
        advance.seconds = 180 * 86_400
        policy.maxAdvance = advance
        var notice = Google_Protobuf_Duration()
        notice.seconds = 24 * 3600
        policy.cancellationNotice = notice
        return policy
    }
}

/// The first clinic admin of a new clinic.
struct AdminInvite: Sendable {
    var name: Clinic_Common_V1_PersonName
    var email: String
    /// Empty: the auth service sends an invitation instead. Never logged.
    var initialPassword: String

    /// The e-mail as compared (case-insensitively, like the auth service does).
    var emailKey: String { email.lowercased() }

    init(_ invite: Clinic_Clinics_V1_ClinicAdminInvite?, field: String) throws(RPCError) {
        guard let invite else { throw ClinicRules.invalid(field, "is required") }
        guard let name = invite.name else { throw ClinicRules.invalid("\(field).name", "is required") }
        let given = name.givenName.trimmingCharacters(in: .whitespaces)
        let family = name.familyName.trimmingCharacters(in: .whitespaces)
        guard !given.isEmpty || !family.isEmpty else {
            throw ClinicRules.invalid("\(field).name", "a given name or a family name is required")
        }
        self.name = name
        email = invite.email.trimmingCharacters(in: .whitespaces)
        guard !email.isEmpty else { throw ClinicRules.invalid("\(field).email", "is required") }
        initialPassword = invite.initialPassword
    }
}

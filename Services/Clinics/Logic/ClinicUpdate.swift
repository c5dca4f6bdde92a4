import ClinicAPI
import RPCCore

/// The changes an UpdateClinicRequest asks for, checked; `apply` makes them on a clinic's
/// details. Only set fields change; a set list replaces the whole list.
struct ClinicUpdate: Sendable {
    private let request: Clinic_Clinics_V1_UpdateClinicRequest
    private var displayName: String?
    private var address: Clinic_Common_V1_PostalAddress?
    private var timeZone: String?
    private var specialtyCodes: [String]?
    private var openingHours: [Clinic_Clinics_V1_OpeningHours]?
    private var closures: [Clinic_Clinics_V1_ClinicClosure]?
    private var bookingPolicy: Clinic_Clinics_V1_BookingPolicy?

    /// Checks every set field.
    init(_ request: Clinic_Clinics_V1_UpdateClinicRequest) throws(RPCError) {
        self.request = request
        if let name = request.displayName { displayName = try ClinicRules.displayName(name, field: "display_name") }
        if request.address != nil { address = try ClinicRules.address(request.address, field: "address") }
        if let zone = request.timeZone { timeZone = try ClinicRules.timeZone(zone, field: "time_zone") }
        if let currency = request.currency, currency.isEmpty { throw ClinicRules.invalid("currency", "must not be empty") }
        if let list = request.specialtyCodes {
            specialtyCodes = try ClinicRules.specialtyCodes(list.codes, field: "specialty_codes.codes")
        }
        if let list = request.openingHours {
            openingHours = try ClinicRules.openingHours(list.entries, field: "opening_hours.entries")
        }
        if let list = request.closures { closures = try ClinicRules.closures(list.entries, field: "closures.entries") }
        if let policy = request.bookingPolicy { bookingPolicy = try ClinicRules.bookingPolicy(policy, field: "booking_policy") }
    }

    /// The specialty codes to check against the catalog, if the update sets them.
    var newSpecialtyCodes: [String]? { specialtyCodes }

    /// `details` with the changes made.
    func apply(to details: Clinic_Clinics_V1_Clinic) -> Clinic_Clinics_V1_Clinic {
        var details = details
        if let displayName { details.displayName = displayName }
        if let address { details.address = address }
        if let contact = request.contact { details.contact = contact }
        if let website = request.websiteUri { details.websiteUri = website }
        if let timeZone { details.timeZone = timeZone }
        if let currency = request.currency { details.currency = currency }
        if let specialtyCodes { details.specialtyCodes = specialtyCodes }
        if let openingHours { details.openingHours = openingHours }
        if let closures { details.closures = closures }
        if let bookingPolicy { details.bookingPolicy = bookingPolicy }
        return details
    }
}

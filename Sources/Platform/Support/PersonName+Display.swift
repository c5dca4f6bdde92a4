package import ClinicAPI

extension Clinic_Common_V1_PersonName {
    /// "Dr. Ada Lovelace": prefix, given and family name, the non-empty ones (what the services
    /// compute as the output-only `display_name`).
    package var formatted: String {
        [prefix, givenName, familyName].filter { !$0.isEmpty }.joined(separator: " ")
    }
}

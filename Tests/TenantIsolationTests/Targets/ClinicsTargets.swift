import ClinicAPI

/// The clinics directory is platform-wide: no method is tenant scoped, a clinic id is a plain
/// resource id; a clinic admin may change only the clinic of their token.
enum ClinicsTargets {
    typealias Clinics = Clinic_Clinics_V1_ClinicService.Method

    static let all: [MethodTarget] = [
        MethodTarget(Clinics.UpdateClinic.descriptor, message: { _ in #"{"displayName": "Renamed by clinic A", "websiteUri": "https://a.example.org"}"# }),
    ]

    static let exemptions: [Exemption] = [
        Exemption(Clinics.GetClinic.descriptor, .publicCatalog, "the public clinic directory: anyone reads any clinic"),
        Exemption(Clinics.ListClinics.descriptor, .publicCatalog, "the public clinic directory, listed"),
        Exemption(Clinics.SearchClinics.descriptor, .publicCatalog, "the public clinic directory, searched"),
        Exemption(Clinics.ListSpecialties.descriptor, .publicCatalog, "the platform-wide specialty catalog"),
        Exemption(Clinics.CreateClinic.descriptor, .superAdminOnly, "opens a new tenant: platform-wide"),
        Exemption(Clinics.DeleteClinic.descriptor, .superAdminOnly, "closes a tenant: platform-wide"),
        Exemption(Clinics.UndeleteClinic.descriptor, .superAdminOnly, "reopens a tenant: platform-wide"),
        Exemption(Clinics.CreateSpecialty.descriptor, .superAdminOnly, "extends the platform-wide specialty catalog"),
    ]
}

import ClinicAPI
import RPCCore

/// What the appointments service reads from the patients service: which clinics a patient
/// account is linked to (and its patient id there), and the patients it books for.
///
/// The patients service's clinic links are the cross-clinic index of a patient: a patient has no
/// tenant, so their appointments live in each clinic's database, found through these links.
struct PatientDirectory: Sendable {
    /// A patient of one clinic, as bookings copy it.
    struct PatientSummary: Sendable, Hashable {
        var id: String
        var displayName: String
        var accountID: String
        var isActive: Bool
    }

    /// One clinic a patient account is linked to.
    struct Link: Sendable, Hashable {
        var clinicID: String
        var patientID: String
    }

    let patients: Clinic_Patients_V1_PatientService.Client

    /// Every clinic `accountID` is linked to (as the appointments service).
    func links(accountID: String) async throws -> [Link] {
        var request = Clinic_Patients_V1_ListPatientClinicsRequest()
        request.accountId = accountID
        request.pageSize = 500
        var links: [Link] = []
        repeat {
            let page = try await RemoteCall.run("the patient's clinics") { try await patients.listPatientClinics(request) }
            links += page.links.map { Link(clinicID: $0.clinicId, patientID: $0.patientId) }
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        return links
    }

    /// The patient id of `accountID` in `clinicID`, if linked.
    func patientID(accountID: String, clinicID: String) async throws -> String? {
        try await links(accountID: accountID).first { $0.clinicID == clinicID }?.patientID
    }

    /// Patient `patientID` of `clinicID`: `not_found` (naming `field`) when there is none.
    func patient(_ patientID: String, clinicID: String, field: String = "patient_id") async throws -> PatientSummary {
        var request = Clinic_Patients_V1_GetPatientRequest()
        request.patientId = patientID
        request.clinicId = clinicID
        let patient = try await RemoteCall.run(
            "patient", notFound: RPCError(code: .notFound, message: "\(field): patient not found in this clinic")
        ) { try await patients.getPatient(request) }
        return PatientSummary(
            id: patient.id, displayName: patient.name?.shown ?? "", accountID: patient.accountId,
            isActive: patient.state != .archived)
    }

    /// Links the calling patient to `clinicID` (PatientService.LinkPatientToClinic), on behalf of
    /// the patient: the call carries the patient's own access token (`authorization`), so the
    /// patients service sees the patient, not this service. Returns the patient id there.
    func linkCaller(to clinicID: String, authorization: String) async throws -> String {
        var request = Clinic_Patients_V1_LinkPatientToClinicRequest()
        request.clinicId = clinicID
        var options = CallOptions.defaults
        options.metadata.add("authorization", authorization)
        let link = try await RemoteCall.run("the clinic link") { try await patients.linkPatientToClinic(request, options: options) }
        return link.patientId
    }
}

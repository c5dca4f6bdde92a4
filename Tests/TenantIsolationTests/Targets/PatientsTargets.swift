import ClinicAPI

/// Methods on a clinic's Patient are tenant scoped; the patient's own profile and clinic links are
/// platform data of the patient's account.
enum PatientsTargets {
    typealias Patients = Clinic_Patients_V1_PatientService.Method

    static let all: [MethodTarget] = [
        MethodTarget(
            Patients.RegisterPatient.descriptor,
            [.succeeds([.admin, .doctor], in: [.own, .mixed], "registers a patient in the token's clinic (the request cannot name another); the output-only patient.id and account_id must be ignored, and B's request id replays nothing")],
            message: { _ in
                #"{"patient": {"name": {"givenName": "Nora", "familyName": "Newcomb"}, "birthDate": {"year": 1991, "month": 4, "day": 5}, "sex": "SEX_FEMALE"}}"#
            }),
        MethodTarget(Patients.GetPatient.descriptor),
        MethodTarget(Patients.UpdatePatient.descriptor, message: { _ in #"{"contact": {"phone": "+33600000088"}}"# }),
        MethodTarget(Patients.DeletePatient.descriptor),
        MethodTarget(
            Patients.SearchPatients.descriptor,
            [.succeeds([.admin, .doctor], "searches the token's clinic only, here for the family name of B's patient")],
            message: { #"{"query": "\#($0.target.names.staffPatient.family)", "showArchived": true}"# }),
        MethodTarget(
            Patients.GetPatientProfile.descriptor,
            [.succeeds([.patient], "the caller's own profile; the request has no field")]),
        MethodTarget(
            Patients.UpdatePatientProfile.descriptor,
            [.succeeds([.patient], "the caller's own profile; the request names no other account")],
            message: { _ in #"{"phone": "+33600000099"}"# }),
        MethodTarget(
            Patients.LinkPatientToClinic.descriptor,
            [.notCalledHere([.patient], in: [.foreign],
                            "by design a patient links themself to any clinic (issue 6: linked when booking there); SelfServiceTests checks it adds only the caller's own Patient"),
             .succeeds([.patient], "the caller is already linked to their own clinic: the existing link")]),
        MethodTarget(Patients.LinkPatientAccount.descriptor, message: { #"{"accountEmail": "\#($0.target.selfPatient.email)"}"# }),
        MethodTarget(Patients.ListPatientClinics.descriptor),
    ]

    static let exemptions: [Exemption] = [
        Exemption(Patients.SignUpPatient.descriptor, .credentials, "creates a new patient account from an e-mail and password; takes no token, names no clinic"),
    ]
}

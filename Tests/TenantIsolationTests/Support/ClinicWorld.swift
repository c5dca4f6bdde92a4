import ClinicAPI
import Foundation
import RPCCore

/// One account of a seeded clinic, logged in through the auth service.
struct Member: Sendable {
    var accountID: String
    var email: String
    var password: String
    var options: CallOptions
    var refreshToken: String
}

/// Distinctive texts of one clinic. Every one appears nowhere else, so finding it in a response
/// to the other clinic's callers is a leak.
struct ClinicNames: Sendable {
    var tag: String
    var clinic: String
    var admin: (given: String, family: String)
    var doctor: (given: String, family: String)
    var doctorPhone: String
    var doctorLicense: String
    var staffPatient: (given: String, family: String)
    var staffPatientNationalID: String
    var staffPatientPhone: String
    var selfPatient: (given: String, family: String)
    var selfPatientPhone: String
    var recordSummary: String
    var allergy: String
    var problem: String
    var documentTitle: String
    var documentContent: String
    var visitReason: String
    var timeOffReason: String

    static let a = ClinicNames(
        tag: "a", clinic: "Alderwood Health", admin: ("Adela", "Ashcombe"), doctor: ("Arlo", "Ashdown"),
        doctorPhone: "+33611110001", doctorLicense: "LIC-ALDER-1001", staffPatient: ("Aurelie", "Amberley"),
        staffPatientNationalID: "1750102123456", staffPatientPhone: "+33611110002", selfPatient: ("Perrin", "Acton"),
        selfPatientPhone: "+33611110003", recordSummary: "Amberley chronic asthma follow-up", allergy: "Amoxalderin",
        problem: "Alderwood sprain", documentTitle: "amberley-spirometry", documentContent: "ALDERWOOD-SPIROMETRY-CONTENT",
        visitReason: "Amberley inhaler renewal", timeOffReason: "Ashdown conference")

    static let b = ClinicNames(
        tag: "b", clinic: "Zenobia Beta Care", admin: ("Bettina", "Bramblecote"), doctor: ("Quillon", "Bexfield"),
        doctorPhone: "+33622220001", doctorLicense: "LIC-ZENOBIA-7744", staffPatient: ("Yseult", "Brackwater"),
        staffPatientNationalID: "2820714987654", staffPatientPhone: "+33622220002", selfPatient: ("Xanthe", "Bloomfield"),
        selfPatientPhone: "+33622220003", recordSummary: "Brackwater hypertension plan", allergy: "Zyloprimbex",
        problem: "Brackwater knee effusion", documentTitle: "brackwater-knee-mri", documentContent: "ZENOBIA-KNEE-MRI-CONTENT",
        visitReason: "Brackwater knee pain", timeOffReason: "Bexfield sabbatical")
}

/// A clinic seeded through the real RPCs: its admin, a doctor with weekly availability and time
/// off, a staff-registered patient with a medical record (entries, a document) and an
/// appointment, a patient who signed up and is linked to this clinic only (with their own record
/// and appointment), and the audit lines all of that wrote.
struct ClinicWorld: Sendable {
    var names: ClinicNames
    var clinicID: String
    var admin: Member
    var doctor: Member
    var doctorID: String
    var exceptionID: String
    var staffPatientID: String
    var selfPatient: Member
    var selfPatientID: String
    var staffAppointmentID: String
    var selfAppointmentID: String
    /// The allergy entry of the staff patient's record.
    var entryID: String
    var documentID: String
    var selfEntryID: String
    var selfDocumentID: String
    /// The request ids (idempotency keys) the seeding used, by method full name.
    var requestIDs: [String: String]

    /// Texts only the clinic's own staff (or the patient concerned) may ever see.
    var privateTexts: [String] {
        [names.admin.given, names.admin.family, admin.email, doctor.email, names.doctorPhone, names.doctorLicense,
         names.staffPatient.given, names.staffPatient.family, names.staffPatientNationalID, names.staffPatientPhone,
         names.selfPatient.given, names.selfPatient.family, selfPatient.email, names.selfPatientPhone,
         names.recordSummary, names.allergy, names.problem, names.documentTitle, names.documentContent,
         names.visitReason, names.timeOffReason]
    }

    /// Ids of the clinic's private resources.
    var privateIDs: [String] {
        [admin.accountID, selfPatient.accountID, staffPatientID, selfPatientID, staffAppointmentID,
         selfAppointmentID, entryID, documentID, selfEntryID, selfDocumentID, exceptionID]
    }

    /// What anyone may read through the public methods: the clinic and its doctor (the public
    /// doctor view includes the doctor's account id, documented in doctors.proto).
    var publicTexts: [String] { [clinicID, names.clinic, doctorID, doctor.accountID, names.doctor.given, names.doctor.family] }

    // MARK: Time

    /// Monday 24 March 2025, 09:00 in Paris.
    static let monday9 = Date(timeIntervalSince1970: 1_742_803_200)
    static func at(_ base: Date, hours: Double) -> Date { base.addingTimeInterval(hours * 3600) }
}

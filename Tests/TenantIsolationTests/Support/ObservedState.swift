import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore

/// A clinic as its own people see it through the read RPCs: its admin (clinic, doctors,
/// availability, patients, appointments, records, documents, accounts, audit log) and its
/// signed-up patient (profile, links). Compared before and after the other clinic's calls.
///
/// The record reads are audited in the clinic's log, so reading writes audit lines: the log is
/// read first, and `differences(from:)` accepts new lines only when they are this snapshot's own
/// reads (by the clinic's admin, succeeded).
struct ObservedState {
    /// Each read's response, serialized, by a label naming the read.
    var reads: [(label: String, bytes: [UInt8])]
    var auditEvents: [Clinic_Patients_V1_AuditEvent]

    static func read(_ world: ClinicWorld, through harness: IsolationHarness) async throws -> ObservedState {
        let admin = world.admin.options
        var reads: [(String, [UInt8])] = []
        func keep(_ label: String, _ message: some ProtoMessage) throws { reads.append((label, try message.serializedBytes())) }

        var audit = Clinic_Patients_V1_ListAuditEventsRequest()
        audit.pageSize = 500
        let auditEvents = try await harness.records.listAuditEvents(audit, options: admin).events

        var clinic = Clinic_Clinics_V1_GetClinicRequest()
        clinic.clinicId = world.clinicID
        try keep("GetClinic", try await harness.clinics.getClinic(clinic, options: admin))

        var doctors = Clinic_Doctors_V1_ListDoctorsRequest()
        doctors.showRemoved = true
        try keep("ListDoctors", try await harness.doctors.listDoctors(doctors, options: admin))
        var doctor = Clinic_Doctors_V1_GetDoctorRequest()
        doctor.doctorId = world.doctorID
        try keep("GetDoctor", try await harness.doctors.getDoctor(doctor, options: admin))
        var week = Clinic_Doctors_V1_GetWeeklyAvailabilityRequest()
        week.doctorId = world.doctorID
        try keep("GetWeeklyAvailability", try await harness.doctors.getWeeklyAvailability(week, options: admin))
        var exceptions = Clinic_Doctors_V1_ListAvailabilityExceptionsRequest()
        exceptions.doctorId = world.doctorID
        exceptions.overlaps = Seed.interval(Date(timeIntervalSince1970: 1_735_689_600), hours: 24 * 365)  // 2025
        try keep("ListAvailabilityExceptions", try await harness.doctors.listAvailabilityExceptions(exceptions, options: admin))

        for (label, patientID) in [("staff", world.staffPatientID), ("self", world.selfPatientID)] {
            var patient = Clinic_Patients_V1_GetPatientRequest()
            patient.patientId = patientID
            try keep("GetPatient \(label)", try await harness.patients.getPatient(patient, options: admin))
            var appointments = Clinic_Appointments_V1_ListPatientAppointmentsRequest()
            appointments.patientId = patientID
            appointments.timeFilter = .all
            try keep("ListPatientAppointments \(label)", try await harness.appointments.listPatientAppointments(appointments, options: admin))
        }
        for family in [world.names.staffPatient.family, world.names.selfPatient.family] {
            var search = Clinic_Patients_V1_SearchPatientsRequest()
            search.query = family
            search.showArchived = true
            try keep("SearchPatients \(family)", try await harness.patients.searchPatients(search, options: admin))
        }

        var list = Clinic_Appointments_V1_ListAppointmentsRequest()
        list.interval = Seed.interval(Date(timeIntervalSince1970: 1_742_428_800), hours: 24 * 31)  // from 20 March
        list.pageSize = 500
        try keep("ListAppointments", try await harness.appointments.listAppointments(list, options: admin))
        for id in [world.staffAppointmentID, world.selfAppointmentID] {
            var get = Clinic_Appointments_V1_GetAppointmentRequest()
            get.appointmentId = id
            try keep("GetAppointment \(id)", try await harness.appointments.getAppointment(get, options: admin))
        }

        for patientID in [world.staffPatientID, world.selfPatientID] {
            var record = Clinic_Patients_V1_GetMedicalRecordRequest()
            record.patientId = patientID
            record.view = .full
            try keep("GetMedicalRecord \(patientID)", try await harness.records.getMedicalRecord(record, options: admin))
            var entries = Clinic_Patients_V1_ListRecordEntriesRequest()
            entries.patientId = patientID
            try keep("ListRecordEntries \(patientID)", try await harness.records.listRecordEntries(entries, options: admin))
            var history = Clinic_Patients_V1_ListRecordHistoryRequest()
            history.patientId = patientID
            try keep("ListRecordHistory \(patientID)", try await harness.records.listRecordHistory(history, options: admin))
            var documents = Clinic_Patients_V1_ListDocumentsRequest()
            documents.patientId = patientID
            documents.showDeleted = true
            try keep("ListDocuments \(patientID)", try await harness.records.listDocuments(documents, options: admin))
        }
        var download = Clinic_Patients_V1_DownloadDocumentRequest()
        download.patientId = world.staffPatientID
        download.documentId = world.documentID
        let downloaded = try await harness.records.downloadDocument(download, options: admin) { responses in
            var bytes: [UInt8] = []
            for try await response in responses { bytes += try response.serializedBytes() }
            return bytes
        }
        reads.append(("DownloadDocument", downloaded))

        var accounts = Clinic_Auth_V1_ListAccountsRequest()
        accounts.showDeleted = true
        accounts.pageSize = 500
        try keep("ListAccounts", try await harness.auth.listAccounts(accounts, options: admin))
        for accountID in [world.admin.accountID, world.doctor.accountID] {
            var account = Clinic_Auth_V1_GetAccountRequest()
            account.accountId = accountID
            try keep("GetAccount \(accountID)", try await harness.auth.getAccount(account, options: admin))
        }
        var me = Clinic_Auth_V1_GetAccountRequest()
        me.accountId = "me"
        try keep("GetAccount patient", try await harness.auth.getAccount(me, options: world.selfPatient.options))
        try keep("GetPatientProfile", try await harness.patients.getPatientProfile(.init(), options: world.selfPatient.options))
        try keep("ListPatientClinics", try await harness.patients.listPatientClinics(.init(), options: world.selfPatient.options))

        return ObservedState(reads: reads, auditEvents: auditEvents)
    }

    /// What changed between `before` (read first) and `self`: reads whose answer differs, and
    /// audit lines that are new and not `before`'s own reads, or that vanished.
    func differences(from before: ObservedState, admin accountID: String) -> [String] {
        var changes: [String] = []
        let earlier = Dictionary(before.reads.map { ($0.label, $0.bytes) }, uniquingKeysWith: { first, _ in first })
        for (label, bytes) in reads where earlier[label] != bytes {
            changes.append("the answer to \(label) changed")
        }
        let earlierIDs = Set(before.auditEvents.map(\.id))
        let laterIDs = Set(auditEvents.map(\.id))
        for id in earlierIDs.subtracting(laterIDs) { changes.append("audit event \(id) is gone") }
        for event in auditEvents where !earlierIDs.contains(event.id) {
            guard event.actor?.accountId == accountID, event.outcome == .success else {
                changes.append("new audit event \(event.id): \(event.method) by \(event.actor?.accountId ?? "?") (\(event.outcome))")
                continue
            }
        }
        return changes
    }
}

import ClinicAPI
import Foundation
import RPCCore
import Testing

/// What a patient of clinic A may do in clinic B by design — search B's free slots and book one
/// for themself, which links them to B — adds only their own rows to B. Once linked to B they
/// are one of B's patients, and B's other patients stay out of their reach: the matrix runs
/// again for them on B's other patients' ids.
@Suite("Tenant isolation: a patient of A in clinic B", .serialized)
struct SelfServiceTests {
    typealias Appointments = Clinic_Appointments_V1_AppointmentService.Method
    typealias Patients = Clinic_Patients_V1_PatientService.Method
    typealias Records = Clinic_Patients_V1_MedicalRecordService.Method

    @Test("booking in B adds only the patient's own rows; linked to B, they still reach nothing of B's other patients")
    func patientOfABooksInB() async throws {
        try await withHarness { harness in
            let a = try await harness.seed(.a, locality: "Lyon")
            let b = try await harness.seed(.b, locality: "Paris")
            let patient = a.selfPatient
            let leaks = LeakCheck(b)
            let mentions = [b.clinicID, b.doctorID, b.doctor.accountID, b.admin.email, b.doctor.email, b.selfPatient.email] + b.privateIDs

            // Searching is public: B's doctor's free slots, nothing private.
            var search = Clinic_Appointments_V1_SearchFreeSlotsRequest()
            search.clinicId = b.clinicID
            search.target = .doctorId(b.doctorID)
            search.dateRange = try Clinic_Common_V1_DateRange(jsonString: Templates.week)
            let slots = try await harness.appointments.searchFreeSlots(search, options: patient.options)
            #expect(!slots.slots.isEmpty)
            #expect(leaks.leaks(in: try slots.serializedBytes(), rule: .publicOnly) == [])

            // B's own reads are audited in its log: read them first, then what is on disk.
            let observedBefore = try await ObservedState.read(b, through: harness)
            let storedBefore = try StoredState.read(directory: harness.directory, clinicID: b.clinicID, mentions: mentions)

            // Booking names B's patient and B's own request id: both are ignored, the patient books for themself.
            var book = Clinic_Appointments_V1_BookAppointmentRequest()
            book.clinicId = b.clinicID
            book.doctorId = b.doctorID
            book.patientId = b.staffPatientID
            book.startTime = Seed.timestamp(ClinicWorld.at(ClinicWorld.monday9, hours: 48))  // Templates.freeSlot
            book.reasonForVisit = "Booked by a patient of A"
            book.requestId = b.requestIDs[Appointments.BookAppointment.descriptor.fullName] ?? ""
            let booked = try await harness.appointments.bookAppointment(book, options: patient.options)
            #expect(booked.clinicId == b.clinicID)
            #expect(![b.staffPatientID, b.selfPatientID].contains(booked.patientId))
            #expect(booked.id != b.staffAppointmentID && booked.id != b.selfAppointmentID)
            #expect(leaks.leaks(in: try booked.serializedBytes(), rule: .publicOnly) == [])
            let links = try await harness.patients.listPatientClinics(.init(), options: patient.options).links
            #expect(Set(links.map(\.clinicId)) == [a.clinicID, b.clinicID])
            #expect(links.first { $0.clinicId == b.clinicID }?.patientId == booked.patientId)
            var get = Clinic_Patients_V1_GetPatientRequest()
            get.patientId = booked.patientId
            let created = try await harness.patients.getPatient(get, options: b.admin.options)
            #expect(created.accountId == patient.accountID)
            #expect(created.name?.familyName == a.names.selfPatient.family)

            // B's rows are all there, unchanged; every new row is the caller's.
            let storedAfter = try StoredState.read(directory: harness.directory, clinicID: b.clinicID, mentions: mentions)
            #expect(storedAfter.changedRows(since: storedBefore) == [])
            let own = [booked.id, booked.patientId, patient.accountID].map { Array($0.utf8) }
            for (part, row) in storedAfter.addedRows(since: storedBefore) {
                #expect(own.contains { row.contains(subsequence: $0) }, "\(part) has a new row that is not the caller's")
            }
            let observedAfter = try await ObservedState.read(b, through: harness)
            #expect(observedAfter.differences(from: observedBefore, admin: b.admin.accountID) == ["the answer to ListAppointments changed"])

            // Now one of B's patients: every RPC on B's other patients' ids is still refused.
            let storedMid = try StoredState.read(directory: harness.directory, clinicID: b.clinicID, mentions: mentions)
            var matrix = Matrix(harness: harness, own: a, target: b)
            matrix.callers = [.patient]
            matrix.extraAllowances = [
                Patients.LinkPatientToClinic.descriptor.fullName: [
                    .succeeds([.patient], in: [.foreign], rule: .publicOnly, "linked since booking: the existing link (B's id and name, the caller's own patient id)")
                ],
                Appointments.BookAppointment.descriptor.fullName: [
                    .notCalledHere([.patient], in: [.foreign, .crossed],
                                   "booking for themself is checked above, with the request id the matrix would send (it replays that booking)")
                ],
                Records.ListAuditEvents.descriptor.fullName: [
                    .succeeds([.patient], in: [.foreign, .own], rule: .idsEchoed, "the lines about the patient's own record in that clinic")
                ],
            ]
            let tally = try await matrix.run(Coverage.targets)
            #expect(tally.refused > 50, "\(tally)")

            // The refused record calls are audited in B's log (the patient is admitted to B now):
            // lines by the patient are new; the patient's own rows may change (the matrix updates
            // their profile, which their link to B now ties to B); nothing else.
            let storedEnd = try StoredState.read(directory: harness.directory, clinicID: b.clinicID, mentions: mentions)
            let caller = Array(patient.accountID.utf8)
            for (part, row) in storedEnd.removedRows(since: storedMid) {
                #expect(row.contains(subsequence: caller), "\(part): a row of B's changed or vanished")
            }
            for (part, row) in storedEnd.addedRows(since: storedMid) {
                #expect(row.contains(subsequence: caller), "\(part): a new row that is not the caller's")
            }
            let observedEnd = try await ObservedState.read(b, through: harness)
            let known = Set(observedAfter.auditEvents.map(\.id))
            for event in observedEnd.auditEvents where !known.contains(event.id) && event.actor?.accountId == patient.accountID {
                #expect(event.outcome == .denied, "\(event.method) by the patient of A: \(event.outcome)")
            }
        }
    }

    @Test("a patient of A linking themself to B, even with B's own patient's request id, gets only their own new Patient")
    func linkingWithTheOtherClinicsRequestID() async throws {
        try await withHarness { harness in
            let a = try await harness.seed(.a, locality: "Lyon")
            let b = try await harness.seed(.b, locality: "Paris")
            let (patient, _) = try await harness.linkedPatient("Oswin", "Aldous", to: a.clinicID)
            var link = Clinic_Patients_V1_LinkPatientToClinicRequest()
            link.clinicId = b.clinicID
            link.requestId = b.requestIDs[Patients.LinkPatientToClinic.descriptor.fullName] ?? ""
            let linked = try await harness.patients.linkPatientToClinic(link, options: patient.options)
            #expect(linked.clinicId == b.clinicID)
            #expect(![b.staffPatientID, b.selfPatientID].contains(linked.patientId))
            #expect(LeakCheck(b).leaks(in: try linked.serializedBytes(), rule: .publicOnly) == [])
            var get = Clinic_Patients_V1_GetPatientRequest()
            get.patientId = linked.patientId
            get.clinicId = b.clinicID
            let mine = try await harness.patients.getPatient(get, options: patient.options)
            #expect(mine.accountId == patient.accountID && mine.name?.familyName == "Aldous")
        }
    }
}

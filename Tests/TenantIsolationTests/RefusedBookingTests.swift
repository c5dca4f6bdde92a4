import ClinicAPI
import Foundation
import RPCCore
import Testing

/// A patient of clinic A whose booking in clinic B is refused leaves B exactly as it was: the
/// booking resolves (and so links) the calling patient only after every check that can refuse it.
@Suite("Tenant isolation: a refused booking in another clinic changes nothing there", .serialized)
struct RefusedBookingTests {
    @Test("another clinic's doctor, a time that is no slot, a taken slot: refused, and B unchanged")
    func refusedBookingLinksNothing() async throws {
        try await withHarness { harness in
            let a = try await harness.seed(.a, locality: "Lyon")
            let b = try await harness.seed(.b, locality: "Paris")
            let mentions = [b.clinicID, b.doctorID, b.doctor.accountID, b.admin.email, b.doctor.email, b.selfPatient.email] + b.privateIDs
            let cases: [(what: String, doctorID: String, start: Date, code: RPCError.Code)] = [
                ("clinic A's doctor, named in B", a.doctorID, ClinicWorld.at(ClinicWorld.monday9, hours: 48), .notFound),
                ("13:00, no slot of B's doctor", b.doctorID, ClinicWorld.at(ClinicWorld.monday9, hours: 52), .failedPrecondition),
                ("B's slot already taken", b.doctorID, ClinicWorld.monday9, .alreadyExists),
            ]
            for (index, refused) in cases.enumerated() {
                // A new patient of A for each case: a first refusal must not decide the next one.
                let (patient, _) = try await harness.linkedPatient("Oswin", "Aldous\(index)", to: a.clinicID)
                let before = try StoredState.read(directory: harness.directory, clinicID: b.clinicID, mentions: mentions)
                var book = Clinic_Appointments_V1_BookAppointmentRequest()
                book.clinicId = b.clinicID
                book.doctorId = refused.doctorID
                book.startTime = Seed.timestamp(refused.start)
                do {
                    _ = try await harness.appointments.bookAppointment(book, options: patient.options)
                    Issue.record("\(refused.what): the booking succeeded")
                } catch let error as RPCError {
                    #expect(error.code == refused.code, "\(refused.what): \(error)")
                }
                let after = try StoredState.read(directory: harness.directory, clinicID: b.clinicID, mentions: mentions)
                var links = Clinic_Patients_V1_ListPatientClinicsRequest()
                links.pageSize = 10
                let clinics = try await harness.patients.listPatientClinics(links, options: patient.options).links.map(\.clinicId)
                #expect(after.differences(from: before) == [], "\(refused.what): clinic B changed")
                #expect(clinics == [a.clinicID], "\(refused.what): the patient is now linked to B")
            }
        }
    }
}

package import ClinicAPI
package import Foundation
import Storage
import WellKnownTypes

/// Writes past appointments straight into a clinic's appointments database, without RPC: the
/// history the scale benchmark needs (`clinic seed-history`, docs/BENCHMARKS.md "Scale") and no
/// RPC can make, since BookAppointment refuses starts in the past.
///
/// Rows go through the service's own code: the tenant database is opened and migrated by
/// `AppointmentsStorage` (the same `AppointmentsSchema.tenant` migrator), and each row is an
/// `AppointmentRecord` written by `AppointmentStore.insert`, so the seed cannot drift from what
/// the handlers write. Safe while the service runs on the same data folder (SQLite in WAL mode
/// serializes the writers). No outbox events: the history is meant as long delivered.
package enum AppointmentsBulkLoad {
    /// How a past appointment ended.
    package enum Outcome: Sendable, Hashable {
        case fulfilled, cancelled, noShow
    }

    /// One past appointment; everything else about it (its id included) follows from the outcome.
    package struct PastAppointment: Sendable {
        package var doctorID: String
        package var doctorAccountID: String
        package var doctorName: String
        package var specialtyCode: String
        package var patientID: String
        package var patientAccountID: String
        package var patientName: String
        package var start: Date
        package var end: Date
        package var outcome: Outcome

        /// A past appointment of `doctorID` with `patientID` over `start..<end`.
        package init(
            doctorID: String, doctorAccountID: String, doctorName: String, specialtyCode: String,
            patientID: String, patientAccountID: String, patientName: String, start: Date, end: Date, outcome: Outcome
        ) {
            self.doctorID = doctorID
            self.doctorAccountID = doctorAccountID
            self.doctorName = doctorName
            self.specialtyCode = specialtyCode
            self.patientID = patientID
            self.patientAccountID = patientAccountID
            self.patientName = patientName
            self.start = start
            self.end = end
            self.outcome = outcome
        }
    }

    /// Inserts `appointments` (booked by staff member `booker`) into clinic `clinicID`'s database
    /// under `dataDirectory`, `batchSize` rows per transaction; returns how many were written.
    /// A failing row (a storage error) fails its whole batch; earlier batches stay.
    package static func insert(
        _ appointments: [PastAppointment], clinicID: String, clinicName: String, timeZone: String,
        booker: Clinic_Common_V1_Actor, dataDirectory: String, batchSize: Int = 5_000
    ) async throws -> Int {
        let storage = try AppointmentsStorage(dataDirectory: dataDirectory, maxOpenDatabases: 1)
        do {
            let database = try await storage.pool.database(for: TenantID(clinicID))
            var written = 0
            for offset in stride(from: 0, to: appointments.count, by: max(1, batchSize)) {
                let batch = appointments[offset..<min(appointments.count, offset + max(1, batchSize))].map {
                    record($0, clinicName: clinicName, timeZone: timeZone, booker: booker)
                }
                try await database.write { db in
                    for record in batch { try AppointmentStore.insert(record, db) }
                }
                written += batch.count
            }
            await storage.close()
            return written
        } catch {
            await storage.close()
            throw error
        }
    }

    /// The row the handlers would have left after booking, then completing, cancelling or
    /// marking the appointment as a no-show.
    static func record(
        _ past: PastAppointment, clinicName: String, timeZone: String, booker: Clinic_Common_V1_Actor
    ) -> AppointmentRecord {
        let booked = past.start.addingTimeInterval(-7 * 86_400)
        var record = AppointmentRecord(
            id: AppointmentID.make(), patientID: past.patientID, patientAccountID: past.patientAccountID, patientName: past.patientName,
            doctorID: past.doctorID, doctorAccountID: past.doctorAccountID, doctorName: past.doctorName,
            specialtyCode: past.specialtyCode, clinicName: clinicName, timeZone: timeZone, start: past.start, end: past.end,
            status: .booked, reasonForVisit: "", bookedOnline: false, booker: booker, cancellation: nil,
            confirmedAt: booked, checkedInAt: nil, completedAt: nil, noShowAt: nil, rescheduleCount: 0, originalStart: nil,
            consultationID: "", createdAt: booked, updatedAt: booked, version: 1)
        switch past.outcome {
        case .fulfilled:
            record.status = .fulfilled
            record.checkedInAt = past.start.addingTimeInterval(-300)
            record.completedAt = past.end
            record.updatedAt = past.end
            record.version = 3
        case .cancelled:
            let cancelledAt = past.start.addingTimeInterval(-86_400)
            var cancellation = Clinic_Appointments_V1_Cancellation()
            cancellation.reason = .patientRequest
            cancellation.canceller = booker
            cancellation.cancelTime = Google_Protobuf_Timestamp(date: cancelledAt)
            record.status = .cancelled
            record.cancellation = cancellation
            record.updatedAt = cancelledAt
            record.version = 2
        case .noShow:
            record.status = .noShow
            record.noShowAt = past.end
            record.updatedAt = past.end
            record.version = 2
        }
        return record
    }
}

@testable import AppointmentsService
import ClinicAPI
import Foundation
import RPCCore
import Testing

@Suite("No double booking")
struct ConcurrencyTests {
    static let slot = Fixtures.instant("2025-03-24T08:00:00Z")

    @Test("50 concurrent bookings of one slot give exactly one appointment; the others are already_exists")
    func concurrentBookings() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            var patients: [String] = []
            for index in 0..<50 { patients.append(try await harness.registerPatient("Patient", "N\(index)", in: clinic)) }
            let outcomes = await withTaskGroup(of: Result<String, RPCError>.self) { group in
                for patient in patients {
                    group.addTask {
                        do {
                            return .success(try await harness.book(doctor, at: Self.slot, patientID: patient).id)
                        } catch let error as RPCError {
                            return .failure(error)
                        } catch {
                            return .failure(RPCError(code: .unknown, message: "\(error)"))
                        }
                    }
                }
                var all: [Result<String, RPCError>] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            let winners = outcomes.compactMap { try? $0.get() }
            let losers = outcomes.compactMap { outcome -> RPCError.Code? in
                if case .failure(let error) = outcome { return error.code }
                return nil
            }
            #expect(winners.count == 1)
            #expect(losers.count == 49)
            #expect(losers.allSatisfy { $0 == .alreadyExists }, "\(Set(losers))")
            let stored = try await harness.storedAppointments(clinic)
            #expect(stored.map(\.id) == winners)
            #expect(try await harness.service.pendingEvents(clinicID: clinic).count == 1)
        }
    }

    @Test("concurrent reschedules into one free slot move exactly one appointment")
    func concurrentReschedules() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            var appointments: [String] = []
            for index in 0..<10 {
                let patient = try await harness.registerPatient("Patient", "R\(index)", in: clinic)
                // Monday and Tuesday mornings: ten distinct slots, none at the target.
                let start = Fixtures.instant("2025-03-25T08:00:00Z").addingTimeInterval(Double(index % 6) * 1800 + Double(index / 6) * 86_400)
                appointments.append(try await harness.book(doctor, at: start, patientID: patient).id)
            }
            let admin = try harness.admin(clinic)
            let moved = await withTaskGroup(of: Bool.self) { group in
                for id in appointments {
                    group.addTask {
                        var request = Clinic_Appointments_V1_RescheduleAppointmentRequest()
                        request.appointmentId = id
                        request.startTime = Fixtures.timestamp(Self.slot)
                        return (try? await harness.appointments.rescheduleAppointment(request, options: admin)) != nil
                    }
                }
                var count = 0
                for await success in group where success { count += 1 }
                return count
            }
            #expect(moved == 1)
            let atSlot = try await harness.storedAppointments(clinic).filter { $0.start == Int64(Self.slot.timeIntervalSince1970 * 1000) }
            #expect(atSlot.count == 1)
        }
    }

    @Test("the database itself refuses a second slot-holding appointment at the same start")
    func uniqueIndex() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let patient = try await harness.registerPatient(in: clinic)
            let booked = try await harness.book(doctor, at: Self.slot, patientID: patient)
            let database = try await harness.appointmentsStorage.pool.database(for: .init(clinic))
            await #expect(throws: (any Error).self) {
                try await database.write { db in
                    try db.execute(
                        """
                        INSERT INTO appointments (id, patient_id, doctor_id, time_zone, start_ms, end_ms, status, channel, booker,
                            created_ms, updated_ms)
                        SELECT 'apt_copy', patient_id, doctor_id, time_zone, start_ms, end_ms, 'proposed', channel, booker, 0, 0
                        FROM appointments WHERE id = ?
                        """, [booked.id])
                }
            }
            // A cancelled copy does not hold the slot, so the index lets it in.
            try await database.write { db in
                try db.execute(
                    """
                    INSERT INTO appointments (id, patient_id, doctor_id, time_zone, start_ms, end_ms, status, channel, booker,
                        created_ms, updated_ms)
                    SELECT 'apt_cancelled', patient_id, doctor_id, time_zone, start_ms, end_ms, 'cancelled', channel, booker, 0, 0
                    FROM appointments WHERE id = ?
                    """, [booked.id])
            }
        }
    }
}

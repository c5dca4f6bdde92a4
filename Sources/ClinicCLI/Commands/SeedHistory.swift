import AppointmentsService
import ArgumentParser
import ClinicAPI
import Foundation

/// `clinic seed-history --plan plan.json`: past appointments written straight into a clinic's
/// appointments database, for the scale benchmark (`bash Benchmarks/run.sh scale`, which makes
/// the clinic, doctors and patients through the RPCs and writes the plan). Hidden: benchmark
/// data, not an operator's tool. No RPC can book in the past, so this is the one direct write,
/// through the service's own store and migrations (`AppointmentsBulkLoad`).
struct SeedHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-history",
        abstract: "Write past appointments into a clinic's appointments database (benchmark data).",
        shouldDisplay: false)

    /// What to lay down; written by the scale benchmark as JSON.
    struct Plan: Codable {
        struct Doctor: Codable {
            var id: String
            var accountId: String
            var name: String
            var specialty: String
        }
        struct Patient: Codable {
            var id: String
            var accountId: String
            var name: String
        }
        /// A daily working window in the clinic's zone, e.g. 9 to 12.
        struct Window: Codable {
            var startHour: Int
            var endHour: Int
        }
        var clinicId: String
        var clinicName: String
        var timeZone: String
        /// The clinic admin recorded as having booked them.
        var bookerAccountId: String
        var doctors: [Doctor]
        var patients: [Patient]
        /// Appointments in all, spread evenly over the doctors.
        var count: Int
        /// Monday to Friday, these windows, cut into `slotMinutes`, going back from yesterday.
        var windows: [Window]
        var slotMinutes: Int
    }

    @Option(help: "The plan (JSON) the scale benchmark wrote.")
    var plan: String

    @Option(help: "The data folder of the platform.")
    var data = "./data"

    func run() async throws {
        let plan = try JSONDecoder().decode(Plan.self, from: Data(contentsOf: URL(fileURLWithPath: Paths.absolute(plan))))
        guard !plan.doctors.isEmpty, !plan.patients.isEmpty, plan.count > 0, plan.slotMinutes > 0,
            let zone = TimeZone(identifier: plan.timeZone)
        else { throw ValidationError("the plan needs doctors, patients, a count, a slot length and a known time zone") }
        let started = Date()
        let appointments = Self.layOut(plan, zone: zone, before: started)
        var booker = Clinic_Common_V1_Actor()
        booker.accountId = plan.bookerAccountId
        booker.role = .clinicAdmin
        let written = try await AppointmentsBulkLoad.insert(
            appointments, clinicID: plan.clinicId, clinicName: plan.clinicName, timeZone: plan.timeZone, booker: booker,
            dataDirectory: Paths.absolute(data))
        let first = appointments.map(\.start).min().map { "\($0)" } ?? "-"
        Console.out("seeded: \(written) past appointments of \(plan.doctors.count) doctors from \(first), "
            + String(format: "%.1f s", Date().timeIntervalSince(started)))
    }

    /// Every doctor's slots on past weekdays, newest first, until `count` in all (round-robin
    /// over the doctors, so each gets the same history); one in ten cancelled, one in 25 a
    /// no-show, the rest fulfilled; patients in turn.
    static func layOut(_ plan: Plan, zone: TimeZone, before now: Date) -> [AppointmentsBulkLoad.PastAppointment] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let perDoctor = (plan.count + plan.doctors.count - 1) / plan.doctors.count
        var slotsByDay: [[(Date, Date)]] = []
        var day = calendar.startOfDay(for: now)
        var slotCount = 0
        while slotCount < perDoctor {
            day = calendar.date(byAdding: .day, value: -1, to: day)!
            let weekday = calendar.component(.weekday, from: day)  // 1 = Sunday
            guard (2...6).contains(weekday) else { continue }
            var slots: [(Date, Date)] = []
            for window in plan.windows {
                var start = calendar.date(bySettingHour: window.startHour, minute: 0, second: 0, of: day)!
                let end = calendar.date(bySettingHour: window.endHour, minute: 0, second: 0, of: day)!
                while start.addingTimeInterval(Double(plan.slotMinutes * 60)) <= end {
                    let slotEnd = start.addingTimeInterval(Double(plan.slotMinutes * 60))
                    slots.append((start, slotEnd))
                    start = slotEnd
                }
            }
            slotsByDay.append(slots)
            slotCount += slots.count
        }
        let slots = Array(slotsByDay.joined().prefix(perDoctor))
        var appointments: [AppointmentsBulkLoad.PastAppointment] = []
        appointments.reserveCapacity(plan.count)
        for index in 0..<plan.count {
            let doctor = plan.doctors[index % plan.doctors.count]
            let (start, end) = slots[index / plan.doctors.count]
            // A stride coprime with most patient counts, so a doctor sees many patients.
            let patient = plan.patients[(index * 7919) % plan.patients.count]
            let outcome: AppointmentsBulkLoad.Outcome =
                index % 10 == 3 ? .cancelled : index % 25 == 7 ? .noShow : .fulfilled
            appointments.append(
                AppointmentsBulkLoad.PastAppointment(
                    doctorID: doctor.id, doctorAccountID: doctor.accountId,
                    doctorName: doctor.name, specialtyCode: doctor.specialty, patientID: patient.id,
                    patientAccountID: patient.accountId, patientName: patient.name, start: start, end: end, outcome: outcome))
        }
        return appointments
    }
}

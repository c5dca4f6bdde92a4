import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore

/// `run.sh scale`: the scale check of issue 6. Seeds one clinic (`ScaleSetup`), then measures
/// through the edge with wrk, in interleaved rounds: a patient's free-slot search for one doctor
/// over the next 14 days (`GET /v1/free-slots`, anonymous as on the public booking page, every
/// doctor in turn) and the doctor's day view (`GET /v1/doctors/me/appointments` for one past
/// weekday, each doctor with their own token, days in turn). Target: p99 under 20 ms.
struct ScaleBenchmark {
    let platform: RunningPlatform
    let options: BenchmarkOptions
    let clinicBinary: String

    static let targetP99Milliseconds = 20.0

    func run() async throws {
        let setup = SetupClients(platform: platform)
        defer { setup.shutdown() }
        let seeded = try await ScaleSetup(platform: platform, options: options, clinicBinary: clinicBinary).run(setup)
        let days = ScaleDays(timeZone: ScaleSetup.timeZone)
        let searchRange = days.query(days.range(fromDaysAhead: 1, days: 14))
        let searches = seeded.doctorIDs.map { doctorID in
            (path: "/v1/free-slots?clinicId=\(seeded.clinicID)&doctorId=\(doctorID)&\(searchRange)&pageSize=200",
             headers: [String: String]())
        }
        let pastDays = days.pastWeekdays(20)
        var dayViews: [(path: String, headers: [String: String])] = []
        for (index, token) in seeded.doctorTokens.enumerated() {
            for offset in 0..<4 {
                let day = days.proto(pastDays[(index + offset * 5) % pastDays.count])
                var range = Clinic_Common_V1_DateRange()
                range.startDate = day
                range.endDate = day
                dayViews.append((path: "/v1/doctors/me/appointments?\(days.query(range))", headers: ["Authorization": "Bearer \(token)"]))
            }
        }
        try await check(setup, seeded: seeded, days: days)
        explainQueryPlans(clinicID: seeded.clinicID)

        let wrk = try Wrk(scriptDirectory: options.scratch)
        let queries: [(name: String, requests: [(path: String, headers: [String: String])])] = [
            ("free-slot search, 1 doctor, 14 days", searches), ("doctor's day view", dayViews),
        ]
        let levels = options.scaleConnections
        progress("warm-up: \(options.warmup) s each")
        for query in queries {
            let result = try wrk.run(baseURL: platform.edgeURL, requests: query.requests, threads: 1, connections: 1, seconds: options.warmup)
            guard result.failures == 0 else { throw BenchmarkError("\(query.name): \(result.failures) failed requests") }
        }
        let loadBefore = Machine.loadAverage
        var samples: [String: [Wrk.Result]] = [:]
        for round in 0..<options.rounds {
            for connections in levels {
                let order = round % 2 == 0 ? queries : queries.reversed()
                for query in order {
                    let result = try wrk.run(
                        baseURL: platform.edgeURL, requests: query.requests, threads: min(options.threads, connections),
                        connections: connections, seconds: options.seconds)
                    guard result.failures == 0 else { throw BenchmarkError("\(query.name): \(result.failures) failed requests") }
                    samples["\(query.name)|\(connections)", default: []].append(result)
                }
            }
            progress("round \(round + 1)/\(options.rounds) done")
        }
        let loadAfter = Machine.loadAverage

        print("Scale check: 1 clinic, \(seeded.doctorIDs.count) doctors, \(seeded.pastAppointments) past appointments "
            + "(clinic seed-history, \(seeded.seedSeconds.formatted(1)) s), \(seeded.futureBookings) future bookings "
            + "(BookAppointment); setup \(seeded.setupSeconds.formatted(0)) s in all")
        print("Through the edge with wrk (HTTP/1.1 keep-alive); \(options.rounds) interleaved rounds of \(options.seconds) s per row")
        print("Machine: \(Machine.description); load average \(loadBefore) before, \(loadAfter) after")
        print("")
        var table = TextTable(["query", "connections", "req/s", "p50 ms", "p99 ms", "worst p99 ms", "target p99 < 20 ms"])
        for connections in levels {
            for query in queries {
                let runs = samples["\(query.name)|\(connections)"] ?? []
                let worst = runs.map(\.p99Milliseconds).max() ?? .nan
                table.add([
                    query.name, "\(connections)", median(runs.map(\.requestsPerSecond)).formatted(0),
                    median(runs.map(\.p50Milliseconds)).formatted(2), median(runs.map(\.p99Milliseconds)).formatted(2),
                    worst.formatted(2), worst < Self.targetP99Milliseconds ? "MET" : "MISSED",
                ])
            }
        }
        print(table.rendered)
    }

    /// The answers are what the data says: a search finds slots, a day view the seeded day.
    private func check(_ setup: SetupClients, seeded: ScaleSetup.Seeded, days: ScaleDays) async throws {
        var search = Clinic_Appointments_V1_SearchFreeSlotsRequest()
        search.clinicId = seeded.clinicID
        search.target = .doctorId(seeded.doctorIDs[0])
        search.dateRange = days.range(fromDaysAhead: 1, days: 14)
        search.pageSize = 200
        let slots = try await setup.appointments.searchFreeSlots(search, options: RunningPlatform.options(token: nil)).slots
        var view = Clinic_Appointments_V1_ListDoctorAppointmentsRequest()
        view.doctorId = "me"
        var range = Clinic_Common_V1_DateRange()
        range.startDate = days.proto(days.pastWeekdays(1)[0])
        range.endDate = range.startDate
        view.dateRange = range
        let appointments = try await setup.appointments.listDoctorAppointments(
            view, options: RunningPlatform.options(token: seeded.doctorTokens[0])).appointments
        progress("check: \(slots.count) free slots for doctor 0 over 14 days; \(appointments.count) appointments in a past day view")
        guard !slots.isEmpty, !appointments.isEmpty else { throw BenchmarkError("the seeded data does not show") }
    }

    /// EXPLAIN QUERY PLAN of the two queries behind the measured calls (the SQL of
    /// `AppointmentStore.heldSlots` and `.list` with a doctor account filter), with the sqlite3
    /// shell when it is installed: which index each one uses on the seeded database.
    private func explainQueryPlans(clinicID: String) {
        let database = platform.data + "/appointments/\(clinicID).sqlite"
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { return }
        let queries = [
            ("free slots (held slots)", """
                EXPLAIN QUERY PLAN SELECT start_ms, end_ms FROM appointments
                WHERE doctor_id = 'x' AND start_ms >= 0 AND start_ms < 1 AND end_ms > 0
                  AND status IN ('proposed', 'booked', 'arrived') ORDER BY start_ms;
                """),
            ("day view (doctor = me)", """
                EXPLAIN QUERY PLAN SELECT * FROM appointments
                WHERE doctor_account_id = 'x' AND start_ms >= 0 AND start_ms < 1
                  AND status IN ('arrived', 'booked', 'fulfilled', 'noshow', 'proposed')
                ORDER BY start_ms ASC, id ASC LIMIT 201;
                """),
        ]
        for (name, sql) in queries {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = ["-readonly", database, sql]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            guard (try? process.run()) != nil else { return }
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            progress("query plan, \(name): " + text.split(separator: "\n").joined(separator: " / "))
        }
    }
}

import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore

/// The scale check's data (issue 6): one clinic with `doctors` doctors (Monday–Friday 9–12 and
/// 14–17, 30-minute slots) and `patients` patients, all made through the services' RPCs as a
/// clinic would; a few future bookings through BookAppointment so searches subtract real
/// bookings; then `appointments` past appointments written by `clinic seed-history` (no RPC
/// books in the past) through the appointments service's own store and migrations.
struct ScaleSetup {
    /// What the measurements need from the seeded clinic.
    struct Seeded {
        var clinicID: String
        var doctorIDs: [String]
        /// Access tokens of the doctors (for their own day view), in `doctorIDs` order.
        var doctorTokens: [String]
        var futureBookings: Int
        var pastAppointments: Int
        var seedSeconds: Double
        var setupSeconds: Double
    }

    let platform: RunningPlatform
    let options: BenchmarkOptions
    let clinicBinary: String

    static let timeZone = "Europe/Paris"
    static let windows = [(9, 12), (14, 17)]
    static let password = "scale-bench-password"

    func run(_ setup: SetupClients) async throws -> Seeded {
        let started = nowNanoseconds()
        let (superAdmin, _) = try await setup.login(DemoAccounts.superAdmin, password: DemoAccounts.password)
        let clinicName = "Clinique de la Montée en Charge"
        let created = try await setup.clinics.createClinic(
            try Clinic_Clinics_V1_CreateClinicRequest(jsonString: """
                {"clinic": {"displayName": "\(clinicName)", "timeZone": "\(Self.timeZone)", "currency": "EUR",
                  "address": {"addressLines": ["1 place Bellecour"], "locality": "Lyon", "postalCode": "69002", "regionCode": "FR"},
                  "bookingPolicy": {"onlineBookingEnabled": true}},
                 "firstAdmin": {"email": "admin@scale.bench.clinic", "name": {"givenName": "Admin", "familyName": "Scale"},
                                "initialPassword": "\(Self.password)"}}
                """), options: RunningPlatform.options(token: superAdmin))
        guard let clinicID = created.clinic?.id else { throw BenchmarkError("CreateClinic answered no clinic") }
        let (admin, adminAccountID) = try await setup.login("admin@scale.bench.clinic", password: Self.password)
        let adminOptions = RunningPlatform.options(token: admin)
        progress("clinic \(clinicID); adding \(options.doctors) doctors and \(options.patients) patients through the RPCs")

        var doctors: [Clinic_Doctors_V1_Doctor] = []
        let windows = (1...5).flatMap { day in
            Self.windows.map { start, end in
                #"{"dayOfWeek": \#(day), "hours": {"start": {"hours": \#(start)}, "end": {"hours": \#(end)}}, "slotDuration": "1800s"}"#
            }
        }.joined(separator: ", ")
        for index in 0..<options.doctors {
            let doctor = try await setup.doctors.addDoctor(
                try Clinic_Doctors_V1_AddDoctorRequest(jsonString: """
                    {"doctor": {"name": {"givenName": "Doctor\(index)", "familyName": "Scale", "prefix": "Dr."},
                                "specialtyCodes": ["general-practice"], "onlineBookingEnabled": true},
                     "email": "doctor\(index)@scale.bench.clinic", "initialPassword": "\(Self.password)"}
                    """), options: adminOptions)
            _ = try await setup.doctors.setWeeklyAvailability(
                try Clinic_Doctors_V1_SetWeeklyAvailabilityRequest(
                    jsonString: #"{"doctorId": "\#(doctor.id)", "availability": {"windows": [\#(windows)]}}"#),
                options: adminOptions)
            doctors.append(doctor)
        }
        var patients: [Clinic_Patients_V1_Patient] = []
        for index in 0..<options.patients {
            let response = try await setup.patients.registerPatient(
                try Clinic_Patients_V1_RegisterPatientRequest(jsonString: """
                    {"patient": {"name": {"givenName": "Patient\(index)", "familyName": "Scale"},
                                 "birthDate": {"year": \(1940 + index % 70), "month": \(1 + index % 12), "day": \(1 + index % 28)},
                                 "sex": "\(index % 2 == 0 ? "SEX_FEMALE" : "SEX_MALE")"}}
                    """), options: adminOptions)
            guard let patient = response.patient else { throw BenchmarkError("RegisterPatient answered no patient") }
            patients.append(patient)
        }

        let booked = try await bookFuture(setup, clinicID: clinicID, doctors: doctors, patients: patients, options: adminOptions)
        progress("\(booked) future appointments booked through BookAppointment; seeding \(options.appointments) past ones")

        let plan = SeedPlan(
            clinicId: clinicID, clinicName: clinicName, timeZone: Self.timeZone, bookerAccountId: adminAccountID,
            doctors: doctors.map {
                .init(id: $0.id, accountId: $0.accountId, name: "Dr. \($0.name?.givenName ?? "") Scale", specialty: "general-practice")
            },
            patients: patients.map { .init(id: $0.id, accountId: $0.accountId, name: "\($0.name?.givenName ?? "") Scale") },
            count: options.appointments, windows: Self.windows.map { .init(startHour: $0.0, endHour: $0.1) }, slotMinutes: 30)
        let planPath = options.scratch + "/seed-plan.json"
        try JSONEncoder().encode(plan).write(to: URL(fileURLWithPath: planPath))
        let seedStart = nowNanoseconds()
        try runSeed(plan: planPath)
        let seedSeconds = Double(nowNanoseconds() - seedStart) / 1e9

        var tokens: [String] = []
        for index in 0..<doctors.count {
            tokens.append(try await setup.login("doctor\(index)@scale.bench.clinic", password: Self.password).token)
        }
        return Seeded(
            clinicID: clinicID, doctorIDs: doctors.map(\.id), doctorTokens: tokens, futureBookings: booked,
            pastAppointments: options.appointments, seedSeconds: seedSeconds,
            setupSeconds: Double(nowNanoseconds() - started) / 1e9)
    }

    /// Books every `futureEvery`-th free slot of each doctor over the coming 14 days, as staff.
    private func bookFuture(
        _ setup: SetupClients, clinicID: String, doctors: [Clinic_Doctors_V1_Doctor], patients: [Clinic_Patients_V1_Patient],
        options callOptions: CallOptions
    ) async throws -> Int {
        guard options.futureEvery > 0 else { return 0 }
        let days = ScaleDays(timeZone: Self.timeZone)
        var booked = 0
        for (doctorIndex, doctor) in doctors.enumerated() {
            var search = Clinic_Appointments_V1_SearchFreeSlotsRequest()
            search.clinicId = clinicID
            search.target = .doctorId(doctor.id)
            search.dateRange = days.range(fromDaysAhead: 1, days: 14)
            search.pageSize = 500
            let slots = try await setup.appointments.searchFreeSlots(search, options: callOptions).slots
            for (slotIndex, slot) in slots.enumerated() where slotIndex % options.futureEvery == 0 {
                var request = Clinic_Appointments_V1_BookAppointmentRequest()
                request.clinicId = clinicID
                request.doctorId = doctor.id
                request.patientId = patients[(doctorIndex * 31 + slotIndex) % patients.count].id
                request.startTime = slot.startTime
                request.reasonForVisit = "Scale check"
                _ = try await setup.appointments.bookAppointment(request, options: callOptions)
                booked += 1
            }
        }
        return booked
    }

    private func runSeed(plan: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: clinicBinary)
        process.arguments = ["seed-history", "--plan", plan, "--data", platform.data]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError("clinic seed-history exited with \(process.terminationStatus)")
        }
    }
}

/// The plan `clinic seed-history` reads (its `SeedHistory.Plan`, as JSON).
struct SeedPlan: Codable {
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
    struct Window: Codable {
        var startHour: Int
        var endHour: Int
    }
    var clinicId: String
    var clinicName: String
    var timeZone: String
    var bookerAccountId: String
    var doctors: [Doctor]
    var patients: [Patient]
    var count: Int
    var windows: [Window]
    var slotMinutes: Int
}

/// Calendar days of the clinic's zone, relative to today there.
struct ScaleDays {
    let calendar: Calendar
    let today: Date

    init(timeZone: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone)!  // A fixed, known zone.
        self.calendar = calendar
        today = calendar.startOfDay(for: Date())
    }

    func day(_ offset: Int) -> Date { calendar.date(byAdding: .day, value: offset, to: today)! }

    func proto(_ date: Date) -> Clinic_Common_V1_Date {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        var proto = Clinic_Common_V1_Date()
        proto.year = Int32(parts.year!)
        proto.month = Int32(parts.month!)
        proto.day = Int32(parts.day!)
        return proto
    }

    /// `days` days starting `offset` days from today.
    func range(fromDaysAhead offset: Int, days: Int) -> Clinic_Common_V1_DateRange {
        var range = Clinic_Common_V1_DateRange()
        range.startDate = proto(day(offset))
        range.endDate = proto(day(offset + days - 1))
        return range
    }

    /// Query parameters of a date range, e.g. `dateRange.startDate.year=2025&…`.
    func query(_ range: Clinic_Common_V1_DateRange) -> String {
        let start = range.startDate ?? .init(), end = range.endDate ?? .init()
        return "dateRange.startDate.year=\(start.year)&dateRange.startDate.month=\(start.month)&dateRange.startDate.day=\(start.day)"
            + "&dateRange.endDate.year=\(end.year)&dateRange.endDate.month=\(end.month)&dateRange.endDate.day=\(end.day)"
    }

    /// The `count` most recent weekdays before today.
    func pastWeekdays(_ count: Int) -> [Date] {
        var days: [Date] = []
        var offset = -1
        while days.count < count {
            let day = day(offset)
            if (2...6).contains(calendar.component(.weekday, from: day)) { days.append(day) }
            offset -= 1
        }
        return days
    }
}

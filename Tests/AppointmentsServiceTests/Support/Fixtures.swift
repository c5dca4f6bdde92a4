import ClinicAPI
import Foundation
import RPCCore
import Storage
import WellKnownTypes

/// Request builders shared by the tests.
enum Fixtures {
    static let password = "Correct-Horse-Battery-42"

    static func name(_ given: String, _ family: String) -> Clinic_Common_V1_PersonName {
        var name = Clinic_Common_V1_PersonName()
        name.givenName = given
        name.familyName = family
        return name
    }

    static func date(_ year: Int32, _ month: Int32, _ day: Int32) -> Clinic_Common_V1_Date {
        var date = Clinic_Common_V1_Date()
        date.year = year
        date.month = month
        date.day = day
        return date
    }

    static func range(_ first: (Int32, Int32, Int32), _ last: (Int32, Int32, Int32)) -> Clinic_Common_V1_DateRange {
        var range = Clinic_Common_V1_DateRange()
        range.startDate = date(first.0, first.1, first.2)
        range.endDate = date(last.0, last.1, last.2)
        return range
    }

    static func timestamp(_ date: Date) -> Google_Protobuf_Timestamp {
        var timestamp = Google_Protobuf_Timestamp()
        timestamp.seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        return timestamp
    }

    /// The instant of an ISO 8601 text such as `2025-03-24T09:00:00+01:00`.
    static func instant(_ text: String) -> Date {
        // The texts are written by the tests themselves.
        ISO8601DateFormatter().date(from: text)!
    }

    static func duration(minutes: Int64) -> Google_Protobuf_Duration {
        var duration = Google_Protobuf_Duration()
        duration.seconds = minutes * 60
        return duration
    }

    static func window(_ day: Clinic_Common_V1_DayOfWeek, _ start: (Int32, Int32), _ end: (Int32, Int32), slotMinutes: Int64 = 30)
        -> Clinic_Doctors_V1_AvailabilityWindow
    {
        var window = Clinic_Doctors_V1_AvailabilityWindow()
        window.dayOfWeek = day
        var hours = Clinic_Common_V1_TimeOfDayRange()
        var from = Clinic_Common_V1_TimeOfDay()
        from.hours = start.0
        from.minutes = start.1
        var to = Clinic_Common_V1_TimeOfDay()
        to.hours = end.0
        to.minutes = end.1
        hours.start = from
        hours.end = to
        window.hours = hours
        window.slotDuration = duration(minutes: slotMinutes)
        return window
    }

    /// Monday to Sunday 09:00-12:00, 30-minute slots.
    static let everyMorning: [Clinic_Doctors_V1_AvailabilityWindow] =
        [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday, .sunday].map { window($0, (9, 0), (12, 0)) }
}

extension PlatformHarness {
    /// Opens a clinic in `timeZone` with online booking (as the super admin); returns its id.
    func createClinic(
        _ name: String = "Clinique Santé", timeZone: String = "Europe/Paris", locality: String = "Lyon",
        policy: (inout Clinic_Clinics_V1_BookingPolicy) -> Void = { _ in }
    ) async throws -> String {
        var clinic = Clinic_Clinics_V1_Clinic()
        clinic.displayName = name
        var address = Clinic_Common_V1_PostalAddress()
        address.addressLines = ["1 rue de la République"]
        address.locality = locality
        address.postalCode = "69002"
        address.regionCode = timeZone.hasPrefix("America") ? "US" : "FR"
        clinic.address = address
        clinic.timeZone = timeZone
        clinic.currency = "EUR"
        clinic.specialtyCodes = ["general-practice", "cardiology"]
        var bookingPolicy = Clinic_Clinics_V1_BookingPolicy()
        bookingPolicy.onlineBookingEnabled = true
        policy(&bookingPolicy)
        clinic.bookingPolicy = bookingPolicy
        var admin = Clinic_Clinics_V1_ClinicAdminInvite()
        admin.name = Fixtures.name("Ada", "Admin")
        admin.email = "admin-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        admin.initialPassword = Fixtures.password
        var request = Clinic_Clinics_V1_CreateClinicRequest()
        request.clinic = clinic
        request.firstAdmin = admin
        return try await clinics.createClinic(request, options: try superAdmin).clinic?.id ?? ""
    }

    /// Changes the booking policy of `clinicID` (as its admin).
    func setPolicy(_ clinicID: String, _ policy: (inout Clinic_Clinics_V1_BookingPolicy) -> Void) async throws {
        var request = Clinic_Clinics_V1_GetClinicRequest()
        request.clinicId = clinicID
        var current = try await clinics.getClinic(request).bookingPolicy ?? .init()
        policy(&current)
        var update = Clinic_Clinics_V1_UpdateClinicRequest()
        update.clinicId = clinicID
        update.bookingPolicy = current
        _ = try await clinics.updateClinic(update, options: try admin(clinicID))
    }

    /// Adds a doctor (as the clinic admin) with `windows` as weekly availability.
    func addDoctor(
        _ given: String = "Grégoire", _ family: String = "House", to clinicID: String,
        specialties: [String] = ["general-practice"], online: Bool = true,
        windows: [Clinic_Doctors_V1_AvailabilityWindow] = Fixtures.everyMorning
    ) async throws -> TestDoctor {
        var doctor = Clinic_Doctors_V1_Doctor()
        doctor.name = Fixtures.name(given, family)
        doctor.specialtyCodes = specialties
        doctor.onlineBookingEnabled = online
        var add = Clinic_Doctors_V1_AddDoctorRequest()
        add.doctor = doctor
        add.email = "dr-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        add.initialPassword = Fixtures.password
        let added = try await doctors.addDoctor(add, options: try admin(clinicID))
        let result = TestDoctor(clinicID: clinicID, id: added.id, accountID: added.accountId)
        try await setAvailability(result, windows)
        return result
    }

    /// Replaces a doctor's weekly availability.
    func setAvailability(_ doctor: TestDoctor, _ windows: [Clinic_Doctors_V1_AvailabilityWindow]) async throws {
        var availability = Clinic_Doctors_V1_WeeklyAvailability()
        availability.windows = windows
        var request = Clinic_Doctors_V1_SetWeeklyAvailabilityRequest()
        request.doctorId = doctor.id
        request.availability = availability
        _ = try await doctors.setWeeklyAvailability(request, options: try admin(doctor.clinicID))
    }

    /// Adds time off (or extra hours with `slotMinutes`) to a doctor over [start, end).
    func addException(
        _ doctor: TestDoctor, _ kind: Clinic_Doctors_V1_AvailabilityExceptionKind, from start: Date, to end: Date,
        slotMinutes: Int64 = 30
    ) async throws {
        var exception = Clinic_Doctors_V1_AvailabilityException()
        exception.kind = kind
        var interval = Clinic_Common_V1_Interval()
        interval.startTime = Fixtures.timestamp(start)
        interval.endTime = Fixtures.timestamp(end)
        exception.interval = interval
        if kind == .extraHours { exception.slotDuration = Fixtures.duration(minutes: slotMinutes) }
        var request = Clinic_Doctors_V1_CreateAvailabilityExceptionRequest()
        request.doctorId = doctor.id
        request.exception = exception
        _ = try await doctors.createAvailabilityException(request, options: try admin(doctor.clinicID))
    }

    /// Registers a patient in `clinicID` as its admin; returns the patient id.
    func registerPatient(_ given: String = "Marie", _ family: String = "Dupont", in clinicID: String) async throws -> String {
        var patient = Clinic_Patients_V1_Patient()
        patient.name = Fixtures.name(given, family)
        patient.birthDate = Fixtures.date(1980, 5, 17)
        patient.sex = .female
        var request = Clinic_Patients_V1_RegisterPatientRequest()
        request.patient = patient
        return try await patients.registerPatient(request, options: try admin(clinicID)).patient?.id ?? ""
    }

    /// Signs a person up as a patient and logs them in.
    func signUp(_ email: String = "patient-\(UUID().uuidString.prefix(8).lowercased())@example.org") async throws -> TestPatient {
        var request = Clinic_Patients_V1_SignUpPatientRequest()
        request.email = email
        request.password = Fixtures.password
        request.name = Fixtures.name("Paul", "Martin")
        request.birthDate = Fixtures.date(1990, 2, 3)
        request.sex = .male
        request.acceptedTermsVersion = "2025-01"
        let response = try await patients.signUpPatient(request)
        return TestPatient(accountID: response.accountId, options: try await login(email))
    }

    /// Searches free slots of `doctor` over the days of `range`.
    func freeSlots(
        _ doctor: TestDoctor, _ range: Clinic_Common_V1_DateRange, options: CallOptions? = nil, clinicID: String = "",
        change: (inout Clinic_Appointments_V1_SearchFreeSlotsRequest) -> Void = { _ in }
    ) async throws -> [Date] {
        var request = Clinic_Appointments_V1_SearchFreeSlotsRequest()
        request.clinicId = options == nil ? doctor.clinicID : clinicID
        request.target = .doctorId(doctor.id)
        request.dateRange = range
        request.pageSize = 500
        change(&request)
        let response = try await appointments.searchFreeSlots(request, options: options ?? .defaults)
        return response.slots.compactMap { $0.startTime.map { Date(timeIntervalSince1970: TimeInterval($0.seconds)) } }
    }

    /// Books `start` with `doctor`: by staff (the clinic admin) for `patientID`, or by the patient `as`.
    func book(
        _ doctor: TestDoctor, at start: Date, patientID: String = "", as patient: TestPatient? = nil,
        change: (inout Clinic_Appointments_V1_BookAppointmentRequest) -> Void = { _ in }
    ) async throws -> Clinic_Appointments_V1_Appointment {
        var request = Clinic_Appointments_V1_BookAppointmentRequest()
        request.doctorId = doctor.id
        request.startTime = Fixtures.timestamp(start)
        request.patientId = patientID
        if patient != nil { request.clinicId = doctor.clinicID }
        change(&request)
        return try await appointments.bookAppointment(request, options: try patient?.options ?? admin(doctor.clinicID))
    }

    /// The appointments of a clinic, straight from its database: (status, start).
    func storedAppointments(_ clinicID: String) async throws -> [(id: String, status: String, start: Int64)] {
        let database = try await appointmentsStorage.pool.database(for: try TenantID(clinicID))
        return try await database.read { db in
            try db.query("SELECT id, status, start_ms FROM appointments ORDER BY start_ms, id") { row in
                (try row.get("id"), try row.get("status"), try row.get("start_ms"))
            }
        }
    }
}

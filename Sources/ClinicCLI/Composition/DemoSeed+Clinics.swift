import ClinicAPI
import Foundation
import Logging
import ProtoRuntime
import RPCCore
import ServiceHost
import WellKnownTypes

extension DemoSeed {
    /// One demo clinic: where it is and who works there.
    private struct ClinicPlan {
        var name: String
        var street: String
        var city: String
        var postalCode: String
        var slug: String
        var doctors: [(given: String, family: String, specialty: String)]
        var patients: [(given: String, family: String, born: (Int, Int, Int), sex: String, nationalID: String)]
    }

    private static let plans = [
        ClinicPlan(
            name: "Clinique du Parc", street: "12 rue du Parc", city: "Lyon", postalCode: "69006", slug: "parc",
            doctors: [("Camille", "Durand", "general-practice"), ("Hugo", "Lefèvre", "cardiology")],
            patients: [("Léa", "Moreau", (1986, 4, 12), "SEX_FEMALE", "2860469123456"),
                       ("Louis", "Bernard", (1972, 11, 3), "SEX_MALE", "1721169654321")]),
        ClinicPlan(
            name: "Centre Médical des Quais", street: "3 quai Saint-Antoine", city: "Lyon", postalCode: "69002", slug: "quais",
            doctors: [("Inès", "Garcia", "dermatology"), ("Paul", "Roux", "general-practice")],
            patients: [("Chloé", "Fournier", (1994, 7, 25), "SEX_FEMALE", "2940769111222"),
                       ("Nathan", "Girard", (2001, 2, 14), "SEX_MALE", "1010269333444")]),
    ]

    /// Creates the demo clinics through the services; returns their logins.
    static func seedClinics(clients: ServiceClients, logger: Logger) async throws -> [Login] {
        let calls = DemoCalls(clients: clients)
        let superAdmin = try await calls.login("admin@demo.clinic")
        var logins: [Login] = []
        for plan in plans {
            let adminEmail = "admin@\(plan.slug).demo.clinic"
            let created: Clinic_Clinics_V1_CreateClinicResponse = try await calls.call(
                Clinic_Clinics_V1_ClinicService.Method.CreateClinic.descriptor, token: superAdmin, json: """
                    {"clinic": {"displayName": "\(plan.name)", "timeZone": "Europe/Paris", "currency": "EUR",
                      "address": {"addressLines": ["\(plan.street)"], "locality": "\(plan.city)",
                                  "postalCode": "\(plan.postalCode)", "regionCode": "FR"}},
                     "firstAdmin": {"email": "\(adminEmail)", "name": {"givenName": "Admin", "familyName": "\(plan.slug.capitalized)"},
                                    "initialPassword": "\(password)"}}
                    """)
            let clinicID = created.clinic?.id ?? ""
            logins.append(Login(role: "clinic admin (\(plan.name))", email: adminEmail, password: password))
            let admin = try await calls.login(adminEmail)
            var doctorIDs: [String] = []
            for doctor in plan.doctors {
                let email = "\(doctor.given.lowercased().folding(options: .diacriticInsensitive, locale: nil)).\(plan.slug)@demo.clinic"
                let added: Clinic_Doctors_V1_Doctor = try await calls.call(
                    Clinic_Doctors_V1_DoctorService.Method.AddDoctor.descriptor, token: admin, json: """
                        {"doctor": {"name": {"givenName": "\(doctor.given)", "familyName": "\(doctor.family)", "prefix": "Dr."},
                                    "specialtyCodes": ["\(doctor.specialty)"], "onlineBookingEnabled": true},
                         "email": "\(email)", "initialPassword": "\(password)"}
                        """)
                doctorIDs.append(added.id)
                logins.append(Login(role: "doctor (\(plan.name))", email: email, password: password))
                let windows = (1...5).flatMap { day in
                    [(9, 12), (14, 17)].map { start, end in
                        #"{"dayOfWeek": \#(day), "hours": {"start": {"hours": \#(start)}, "end": {"hours": \#(end)}}, "slotDuration": "1800s"}"#
                    }
                }.joined(separator: ", ")
                let _: Clinic_Doctors_V1_WeeklyAvailability = try await calls.call(
                    Clinic_Doctors_V1_DoctorService.Method.SetWeeklyAvailability.descriptor, token: admin,
                    json: #"{"doctorId": "\#(added.id)", "availability": {"windows": [\#(windows)]}}"#)
            }
            var patientIDs: [String] = []
            for patient in plan.patients {
                let registered: Clinic_Patients_V1_RegisterPatientResponse = try await calls.call(
                    Clinic_Patients_V1_PatientService.Method.RegisterPatient.descriptor, token: admin, json: """
                        {"patient": {"name": {"givenName": "\(patient.given)", "familyName": "\(patient.family)"},
                                     "birthDate": {"year": \(patient.born.0), "month": \(patient.born.1), "day": \(patient.born.2)},
                                     "sex": "\(patient.sex)", "nationalId": {"value": "\(patient.nationalID)", "regionCode": "FR"}}}
                        """)
                patientIDs.append(registered.patient?.id ?? "")
            }
            try await book(calls, admin: admin, clinicID: clinicID, doctors: doctorIDs, patients: patientIDs)
            if plans.first?.slug == plan.slug, let doctorID = doctorIDs.first {
                logins.append(try await seedOnlinePatient(calls, clinicID: clinicID, doctorID: doctorID))
            }
        }
        return logins
    }

    /// Someone signs up online as a patient and books a visit at `clinicID` themself (which links
    /// them to the clinic), as the journey's patients do; returns the login.
    private static func seedOnlinePatient(_ calls: DemoCalls, clinicID: String, doctorID: String) async throws -> Login {
        let email = "zoe.patient@demo.clinic"
        let _: Clinic_Patients_V1_SignUpPatientResponse = try await calls.call(
            Clinic_Patients_V1_PatientService.Method.SignUpPatient.descriptor, token: nil, json: """
                {"email": "\(email)", "password": "\(password)", "name": {"givenName": "Zoé", "familyName": "Petit"},
                 "birthDate": {"year": 1991, "month": 2, "day": 9}, "sex": "SEX_FEMALE", "languageCode": "fr",
                 "acceptedTermsVersion": "2025-01"}
                """)
        let patient = try await calls.login(email)
        let slots: Clinic_Appointments_V1_SearchFreeSlotsResponse = try await calls.call(
            Clinic_Appointments_V1_AppointmentService.Method.SearchFreeSlots.descriptor, token: patient,
            json: #"{"clinicId": "\#(clinicID)", "doctorId": "\#(doctorID)", "dateRange": {"startDate": \#(day(2)), "endDate": \#(day(9))}, "pageSize": 20}"#)
        // The demo's other bookings took the first slots of the coming week: one further on.
        if let slot = slots.slots.last {
            try await bookSlot(calls, slot, clinicID: clinicID, doctorID: doctorID, reason: "Demo online booking", token: patient)
        }
        return Login(role: "patient (signed up online)", email: email, password: password)
    }

    /// The civil date `offset` days from today (UTC), as proto3 JSON.
    private static func day(_ offset: Int) -> String {
        let calendar = Calendar(identifier: .gregorian)
        let day = calendar.dateComponents(in: TimeZone(identifier: "UTC")!, from: Date().addingTimeInterval(Double(offset) * 86_400))
        return #"{"year": \#(day.year!), "month": \#(day.month!), "day": \#(day.day!)}"#
    }

    /// Books one appointment per patient, in the first free slots of the coming week.
    private static func book(_ calls: DemoCalls, admin: String, clinicID: String, doctors: [String], patients: [String]) async throws {
        for (index, patientID) in patients.enumerated() {
            let doctorID = doctors[index % doctors.count]
            let slots: Clinic_Appointments_V1_SearchFreeSlotsResponse = try await calls.call(
                Clinic_Appointments_V1_AppointmentService.Method.SearchFreeSlots.descriptor, token: admin,
                json: #"{"clinicId": "\#(clinicID)", "doctorId": "\#(doctorID)", "dateRange": {"startDate": \#(day(1)), "endDate": \#(day(8))}, "pageSize": 10}"#)
            guard let slot = slots.slots.dropFirst(index).first else { continue }
            try await bookSlot(
                calls, slot, clinicID: clinicID, doctorID: doctorID, patientID: patientID, reason: "Demo consultation", token: admin)
        }
    }

    /// Books `slot` with `token`: for `patientID` (staff), or for the caller (a patient, when nil).
    private static func bookSlot(
        _ calls: DemoCalls, _ slot: Clinic_Appointments_V1_Slot, clinicID: String, doctorID: String, patientID: String? = nil,
        reason: String, token: String
    ) async throws {
        var request = Clinic_Appointments_V1_BookAppointmentRequest()
        request.clinicId = clinicID
        request.patientId = patientID ?? ""
        request.doctorId = doctorID
        request.startTime = slot.startTime
        request.reasonForVisit = reason
        let _: Clinic_Appointments_V1_Appointment = try await calls.client(for: Clinic_Appointments_V1_AppointmentService.descriptor)
            .unary(request: request, method: Clinic_Appointments_V1_AppointmentService.Method.BookAppointment.descriptor,
                   options: calls.options(token))
    }
}

/// RPCs of the seed: requests written as JSON (the proto3 mapping), sent through the registry
/// with a user's token.
struct DemoCalls {
    let clients: ServiceClients

    func client(for service: ServiceDescriptor) throws -> RPCClient { try clients.caller(for: service) }

    func options(_ token: String?) -> CallOptions {
        var options = CallOptions(timeout: .seconds(60))
        if let token { options.metadata.add("authorization", "Bearer \(token)") }
        return options
    }

    /// Calls `method` with the request `json` (of the method's input type, from the catalog).
    func call<Output: ProtoMessage>(_ method: MethodDescriptor, token: String?, json: String) async throws -> Output {
        guard let entry = ClinicAPICatalog.services.first(where: { $0.descriptor.fullName == method.service })?
            .methods.first(where: { $0.descriptor == method })
        else { throw CLIError("\(method) is not in the catalog") }
        return try await send(entry.input, method: method, token: token, json: json)
    }

    private func send<Input: ProtoMessage, Output: ProtoMessage>(
        _ input: Input.Type, method: MethodDescriptor, token: String?, json: String
    ) async throws -> Output {
        let request = try Input(jsonString: json)
        return try await client(for: ServiceDescriptor(fullName: method.service)).unary(
            request: request, method: method, options: options(token))
    }

    /// The access token of a demo account.
    func login(_ email: String) async throws -> String {
        var request = Clinic_Auth_V1_LoginRequest()
        request.email = email
        request.password = DemoSeed.password
        let auth = Clinic_Auth_V1_AuthService.Client(caller: try client(for: Clinic_Auth_V1_AuthService.descriptor))
        return try await auth.login(request, options: options(nil)).tokens?.accessToken ?? ""
    }
}

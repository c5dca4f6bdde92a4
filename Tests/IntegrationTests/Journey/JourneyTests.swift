import Foundation
import Testing

/// Issue 6's journey through the JSON edge over HTTP, with every service its own process under
/// `clinic up` (real mTLS between them, real SQLite files): only HTTP and JSON on the routes of
/// the `.proto` `http` options, as a browser or `curl` would use them.
@Suite("Journey through the edge", .serialized, .journeyPlatform)
struct JourneyTests {
    let paris = TimeZone(identifier: "Europe/Paris")!

    @Test("super admin → clinic and admin → doctor and week → patients → search, slots, booking → day view → no double booking → cancel frees the slot → medical record → audit log")
    func firstCompleteJourney() async throws {
        let platform = try #require(JourneyPlatform.current)
        let people = try await JourneyActors(platform: platform, tag: "journey")
        let edge = people.edge

        // The super admin opens a clinic together with its first clinic admin.
        let clinicID = try await people.openClinic(name: "Clinique Santé Étoile", street: "8 place de l'Étoile", admin: "admin")

        // The clinic admin logs in, adds a doctor (making the doctor's login) and the doctor's week.
        let admin = try await people.login("admin")
        let added = try await edge.send(.POST, "/v1/doctors", token: admin.token, json: """
            {"doctor": {"name": {"givenName": "Inès", "familyName": "Lambert", "prefix": "Dr."},
                        "specialtyCodes": ["general-practice"], "onlineBookingEnabled": true},
             "email": "\(people.email("doctor"))", "initialPassword": "\(JourneyActors.password)"}
            """)
        try expectOK(added, "AddDoctor")
        let doctorID = try #require(added.json["id"].string)
        let doctorAccountID = try #require(added.json["accountId"].string)
        // Every day of the week (so the test does not depend on today's weekday), 30-minute slots.
        let windows = (1...7).map { day in
            #"{"dayOfWeek": \#(day), "hours": {"start": {"hours": 9}, "end": {"hours": 12}}, "slotDuration": "1800s"}"#
        }.joined(separator: ", ")
        let week = try await edge.send(
            .PUT, "/v1/doctors/\(doctorID)/availability", token: admin.token,
            json: #"{"availability": {"windows": [\#(windows)]}}"#)
        try expectOK(week, "SetWeeklyAvailability")
        #expect(week.json["windows"].array.count == 7)
        #expect(week.json["timeZone"].string == "Europe/Paris")

        // The admin registers a patient at the desk; another person signs up online.
        let registeredID = try await people.registerPatient(
            admin: admin.token, given: "Marc", family: "Desk-Registered", nationalID: "1790675123456")
        let patientAccountID = try await people.signUpPatient("patient", given: "Zoé", family: "Online")
        let patient = try await people.login("patient")
        #expect(patient.accountID == patientAccountID)

        // The patient finds the clinic without accents or capitals.
        let found = try await edge.get("/v1/clinics:search", query: [("query", "clinique sante etoile")])
        try expectOK(found, "SearchClinics")
        #expect(found.json["clinics"].array.map { $0["id"].string } == [clinicID])
        let byAddress = try await edge.get("/v1/clinics:search", query: [("query", "ETOILE lyon")])
        #expect(byAddress.json["clinics"].array.contains { $0["id"].string == clinicID }, "\(byAddress.text)")
        let shown = try await edge.get("/v1/clinics/\(clinicID)")
        try expectOK(shown, "GetClinic")
        #expect(shown.json["displayName"].string == "Clinique Santé Étoile")

        // Free slots from the day after tomorrow for a week (beyond the 24-hour cancellation notice).
        let firstDay = CivilDay(Date(), in: paris).adding(days: 2), lastDay = firstDay.adding(days: 6)
        func freeSlots() async throws -> [Date] {
            let answer = try await edge.get(
                "/v1/free-slots", token: patient.token,
                query: [("clinicId", clinicID), ("doctorId", doctorID), ("pageSize", "500")] + firstDay.range(to: lastDay))
            try expectOK(answer, "SearchFreeSlots")
            #expect(answer.json["timeZone"].string == "Europe/Paris")
            return answer.json["slots"].array.compactMap { $0["startTime"].date }
        }
        let offered = try await freeSlots()
        // 7 days × 09:00-12:00 in 30-minute slots.
        #expect(offered.count == 42, "\(offered)")
        let slot = try #require(offered.first)
        let slotTime = try #require(Self.rfc3339(slot))

        // The patient books it (and is linked to the clinic by that booking).
        let booked = try await edge.send(.POST, "/v1/appointments", token: patient.token, json: """
            {"clinicId": "\(clinicID)", "doctorId": "\(doctorID)", "startTime": "\(slotTime)",
             "reasonForVisit": "persistent cough", "requestId": "\(UUID().uuidString.lowercased())"}
            """)
        try expectOK(booked, "BookAppointment")
        let appointmentID = try #require(booked.json["id"].string)
        let patientID = try #require(booked.json["patientId"].string)
        #expect(booked.json["status"].string == "APPOINTMENT_STATUS_BOOKED")
        #expect(booked.json["clinicId"].string == clinicID)
        #expect(booked.json["doctorId"].string == doctorID)
        #expect(booked.json["startTime"].date == slot)
        #expect(patientID != registeredID)
        #expect(try await !freeSlots().contains(slot))

        // The doctor logs in and sees the booking in the day view.
        let doctor = try await people.login("doctor")
        #expect(doctor.accountID == doctorAccountID)
        let slotDay = CivilDay(slot, in: paris)
        func dayView() async throws -> JSON {
            let answer = try await edge.get("/v1/doctors/me/appointments", token: doctor.token, query: slotDay.range(to: slotDay))
            try expectOK(answer, "ListDoctorAppointments")
            return answer.json
        }
        let day = try await dayView()
        let listed = try #require(day["appointments"].array.first { $0["id"].string == appointmentID }, "\(day)")
        #expect(listed["status"].string == "APPOINTMENT_STATUS_BOOKED")
        #expect(listed["patientDisplayName"].string?.contains("Online") == true, "\(listed)")
        #expect(listed["reasonForVisit"].string == "persistent cough")
        #expect(day["timeZone"].string == "Europe/Paris")

        // A second booking of the same slot (the admin, for the desk-registered patient) is refused.
        let bookAgain = """
            {"patientId": "\(registeredID)", "doctorId": "\(doctorID)", "startTime": "\(slotTime)"}
            """
        let second = try await edge.send(.POST, "/v1/appointments", token: admin.token, json: bookAgain)
        expectError(second, 409, "already_exists", "second booking of a taken slot")

        // The patient cancels with a reason; the slot is free again.
        let cancelled = try await edge.send(.POST, "/v1/appointments/\(appointmentID):cancel", token: patient.token, json: """
            {"clinicId": "\(clinicID)", "reason": "CANCELLATION_REASON_PATIENT_UNAVAILABLE", "note": "fever, will book again"}
            """)
        try expectOK(cancelled, "CancelAppointment")
        #expect(cancelled.json["status"].string == "APPOINTMENT_STATUS_CANCELLED")
        #expect(cancelled.json["cancellation"]["reason"].string == "CANCELLATION_REASON_PATIENT_UNAVAILABLE")
        #expect(cancelled.json["cancellation"]["note"].string == "fever, will book again")
        #expect(try await freeSlots().contains(slot))
        #expect(try await !dayView()["appointments"].array.contains { $0["id"].string == appointmentID })
        // Free for real: the booking that was refused now succeeds.
        let rebooked = try await edge.send(.POST, "/v1/appointments", token: admin.token, json: bookAgain)
        try expectOK(rebooked, "BookAppointment after the cancellation")
        #expect(rebooked.json["patientId"].string == registeredID)
        #expect(rebooked.json["startTime"].date == slot)

        // The doctor opens the patient's medical record, adds an allergy and vital signs, reads it.
        let record = try await edge.send(.POST, "/v1/patients/\(patientID)/record", token: doctor.token, json: """
            {"record": {"bloodGroup": "O+", "summary": "Seen for a persistent cough."}}
            """)
        try expectOK(record, "CreateMedicalRecord")
        #expect(record.json["patientId"].string == patientID)
        let allergy = try await edge.send(.POST, "/v1/patients/\(patientID)/record/entries", token: doctor.token, json: """
            {"entry": {"status": "RECORD_ENTRY_STATUS_ACTIVE",
                       "allergy": {"substance": "Penicillin", "category": "ALLERGY_CATEGORY_MEDICATION",
                                   "criticality": "ALLERGY_CRITICALITY_HIGH", "reaction": "hives"}}}
            """)
        try expectOK(allergy, "AddRecordEntry (allergy)")
        let measured = try #require(Self.rfc3339(Date().addingTimeInterval(-600)))
        let vitals = try await edge.send(.POST, "/v1/patients/\(patientID)/record/entries", token: doctor.token, json: """
            {"entry": {"status": "RECORD_ENTRY_STATUS_ACTIVE",
                       "vitalSigns": {"measureTime": "\(measured)", "systolicMmhg": 128, "diastolicMmhg": 82,
                                      "heartRateBpm": 71, "temperatureDecicelsius": 381}}}
            """)
        try expectOK(vitals, "AddRecordEntry (vital signs)")
        let readRequestID = "journey-read-\(UUID().uuidString.lowercased())"
        let read = try await edge.send(
            .GET, "/v1/patients/\(patientID)/record", token: doctor.token, headers: [("X-Request-Id", readRequestID)])
        try expectOK(read, "GetMedicalRecord")
        #expect(read.header("x-request-id") == readRequestID)
        #expect(read.json["bloodGroup"].string == "O+")
        #expect(read.json["allergies"].array.map { $0["allergy"]["substance"].string } == ["Penicillin"])
        #expect(read.json["latestVitalSigns"]["vitalSigns"]["systolicMmhg"].int == 128)
        #expect(read.json["latestVitalSigns"]["vitalSigns"]["temperatureDecicelsius"].int == 381)

        // The clinic admin lists the audit log: the doctor's write and read are both there.
        let audit = try await edge.get("/v1/audit-events", token: admin.token, query: [("patientId", patientID)])
        try expectOK(audit, "ListAuditEvents")
        let byDoctor = audit.json["events"].array.filter { $0["actor"]["accountId"].string == doctorAccountID }
        let created = byDoctor.first { $0["action"].string == "AUDIT_ACTION_CREATE" && $0["method"].string?.hasSuffix("CreateMedicalRecord") == true }
        let readLine = byDoctor.first { $0["action"].string == "AUDIT_ACTION_READ" && $0["method"].string?.hasSuffix("GetMedicalRecord") == true }
        #expect(created?["outcome"].string == "AUDIT_OUTCOME_SUCCESS", "\(audit.text)")
        #expect(created?["patientId"].string == patientID)
        #expect(readLine?["outcome"].string == "AUDIT_OUTCOME_SUCCESS", "\(audit.text)")
        #expect(readLine?["requestId"].string == readRequestID)
        #expect(readLine?["actor"]["role"].string == "ROLE_DOCTOR")
        #expect(byDoctor.filter { $0["action"].string == "AUDIT_ACTION_CREATE" }.count == 3, "the record and two entries")
    }

    /// RFC 3339 in UTC with milliseconds, as the proto3 JSON mapping writes timestamps.
    static func rfc3339(_ date: Date) -> String? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

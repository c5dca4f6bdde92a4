@testable import AppointmentsService
import ClinicAPI
import Foundation
import RPCCore
import Testing

@Suite("Free-slot search")
struct SlotSearchTests {
    static func utc(_ text: String) -> Date { Fixtures.instant(text) }

    @Test("a doctor's free slots over the Paris spring-forward weekend stay at 09:00 local time")
    func acrossDaylightSaving() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let slots = try await harness.freeSlots(doctor, Fixtures.range((2025, 3, 29), (2025, 3, 30)))
            #expect(slots.count == 12)
            #expect(slots.first == Self.utc("2025-03-29T08:00:00Z"))   // Saturday 09:00 CET
            #expect(slots[6] == Self.utc("2025-03-30T07:00:00Z"))      // Sunday 09:00 CEST
            #expect(slots.last == Self.utc("2025-03-30T09:30:00Z"))    // Sunday 11:30 CEST

            // The fall-back weekend, in the same zone (staff: patients may book 180 days ahead only).
            let autumn = try await harness.freeSlots(doctor, Fixtures.range((2025, 10, 25), (2025, 10, 26)), options: try harness.admin(clinic))
            #expect(try await harness.freeSlots(doctor, Fixtures.range((2025, 10, 25), (2025, 10, 26))).isEmpty)
            #expect(autumn.first == Self.utc("2025-10-25T07:00:00Z") && autumn[6] == Self.utc("2025-10-26T08:00:00Z"))
        }
    }

    @Test("a clinic in New York gets its slots at New York time across its March change")
    func newYorkClinic() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic("Midtown Clinic", timeZone: "America/New_York", locality: "New York")
            let doctor = try await harness.addDoctor(to: clinic, windows: [
                Fixtures.window(.saturday, (9, 0), (10, 0), slotMinutes: 60), Fixtures.window(.sunday, (9, 0), (10, 0), slotMinutes: 60),
            ])
            harness.clock.set(Self.utc("2025-03-01T12:00:00Z"))
            let slots = try await harness.freeSlots(doctor, Fixtures.range((2025, 3, 8), (2025, 3, 9)))
            #expect(slots == [Self.utc("2025-03-08T14:00:00Z"), Self.utc("2025-03-09T13:00:00Z")])
        }
    }

    // The daylight saving rule is the doctors service's (GetDoctorSchedule): a slot whose
    // wall-clock time does not exist, or runs into the missing hour, is not offered; a start that
    // happens twice is offered once, at its first occurrence. Search and booking agree with it.

    @Test("Paris spring forward: the skipped hour offers nothing, and a slot running into it is not bookable")
    func parisSpringForward() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let night = try await harness.addDoctor(to: clinic, windows: [Fixtures.window(.sunday, (1, 0), (4, 0))])
            let staff = try harness.admin(clinic)
            let slots = try await harness.freeSlots(night, Fixtures.range((2025, 3, 30), (2025, 3, 30)), options: staff, clinicID: clinic)
            // 01:00, 01:30 CET, then 03:00, 03:30 CEST: nothing at 02:00 or 02:30, which do not exist.
            #expect(slots == ["2025-03-30T00:00:00Z", "2025-03-30T00:30:00Z", "2025-03-30T01:00:00Z", "2025-03-30T01:30:00Z"].map(Self.utc))
            // 01:30-02:30 runs into the missing hour and 02:30 does not exist: an hour-slot window
            // 01:30-03:30 offers nothing that day, and its would-be start cannot be booked.
            let hourly = try await harness.addDoctor(
                "Lisa", "Cuddy", to: clinic, windows: [Fixtures.window(.sunday, (1, 30), (3, 30), slotMinutes: 60)])
            #expect(try await harness.freeSlots(hourly, Fixtures.range((2025, 3, 30), (2025, 3, 30)), options: staff, clinicID: clinic).isEmpty)
            let patient = try await harness.registerPatient(in: clinic)
            await expectError(.failedPrecondition, field: "start_time") {
                _ = try await harness.book(hourly, at: Self.utc("2025-03-30T00:30:00Z"), patientID: patient)
            }
            let booked = try await harness.book(night, at: Self.utc("2025-03-30T01:00:00Z"), patientID: patient)
            #expect(booked.endTime?.seconds == Int64(Self.utc("2025-03-30T01:30:00Z").timeIntervalSince1970))
        }
    }

    @Test("Paris fall back: 02:00 and 02:30 are offered once, in summer time; their second occurrence is not bookable")
    func parisFallBack() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic, windows: [Fixtures.window(.sunday, (1, 0), (4, 0))])
            let staff = try harness.admin(clinic)
            let slots = try await harness.freeSlots(doctor, Fixtures.range((2025, 10, 26), (2025, 10, 26)), options: staff, clinicID: clinic)
            #expect(slots == [
                "2025-10-25T23:00:00Z", "2025-10-25T23:30:00Z",  // 01:00, 01:30 CEST
                "2025-10-26T00:00:00Z", "2025-10-26T00:30:00Z",  // 02:00, 02:30 CEST (first occurrence)
                "2025-10-26T02:00:00Z", "2025-10-26T02:30:00Z",  // 03:00, 03:30 CET
            ].map(Self.utc))
            let patient = try await harness.registerPatient(in: clinic)
            let first = try await harness.book(doctor, at: Self.utc("2025-10-26T00:30:00Z"), patientID: patient)
            #expect(first.endTime?.seconds == Int64(Self.utc("2025-10-26T01:00:00Z").timeIntervalSince1970))
            // 02:30 CET, the second 02:30 of the night.
            await expectError(.failedPrecondition, field: "start_time") {
                _ = try await harness.book(doctor, at: Self.utc("2025-10-26T01:30:00Z"), patientID: patient)
            }
            #expect(try await harness.freeSlots(doctor, Fixtures.range((2025, 10, 26), (2025, 10, 26)), options: staff, clinicID: clinic).count == 5)
        }
    }

    @Test("New York: hour slots on the March and November change days follow the same rule")
    func newYorkChangeDays() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic("Midtown Clinic", timeZone: "America/New_York", locality: "New York")
            let doctor = try await harness.addDoctor(to: clinic, windows: [Fixtures.window(.sunday, (1, 0), (3, 0), slotMinutes: 60)])
            let staff = try harness.admin(clinic)
            harness.clock.set(Self.utc("2025-03-01T12:00:00Z"))
            // 9 March: 01:00 EST, and 02:00 does not exist (the 03:00 EDT slot would be outside the window).
            #expect(try await harness.freeSlots(doctor, Fixtures.range((2025, 3, 9), (2025, 3, 9)), options: staff, clinicID: clinic)
                == [Self.utc("2025-03-09T06:00:00Z")])
            // 2 November: 01:00 EDT once (not again at 01:00 EST), then 02:00 EST.
            #expect(try await harness.freeSlots(doctor, Fixtures.range((2025, 11, 2), (2025, 11, 2)), options: staff, clinicID: clinic)
                == [Self.utc("2025-11-02T05:00:00Z"), Self.utc("2025-11-02T07:00:00Z")])
            let patient = try await harness.registerPatient(in: clinic)
            await expectError(.failedPrecondition, field: "start_time") {
                _ = try await harness.book(doctor, at: Self.utc("2025-11-02T06:00:00Z"), patientID: patient)
            }
            _ = try await harness.book(doctor, at: Self.utc("2025-11-02T05:00:00Z"), patientID: patient)
        }
    }

    @Test("time off removes its day, bookings remove their slots")
    func timeOffAndBookings() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            // All of Tuesday 2025-03-25 in Paris.
            try await harness.addException(doctor, .timeOff, from: Self.utc("2025-03-24T23:00:00Z"), to: Self.utc("2025-03-25T23:00:00Z"))
            let patient = try await harness.registerPatient(in: clinic)
            _ = try await harness.book(doctor, at: Self.utc("2025-03-24T08:00:00Z"), patientID: patient)
            let slots = try await harness.freeSlots(doctor, Fixtures.range((2025, 3, 24), (2025, 3, 25)))
            #expect(slots.count == 5)
            #expect(!slots.contains(Self.utc("2025-03-24T08:00:00Z")))
            #expect(slots.allSatisfy { $0 < Self.utc("2025-03-24T23:00:00Z") })

            // Extra hours on Wednesday evening add slots for that period only.
            try await harness.addException(
                doctor, .extraHours, from: Self.utc("2025-03-26T16:00:00Z"), to: Self.utc("2025-03-26T17:00:00Z"), slotMinutes: 20)
            let wednesday = try await harness.freeSlots(doctor, Fixtures.range((2025, 3, 26), (2025, 3, 26)))
            #expect(wednesday.count == 9)
            #expect(wednesday.suffix(3) == [Self.utc("2025-03-26T16:00:00Z"), Self.utc("2025-03-26T16:20:00Z"), Self.utc("2025-03-26T16:40:00Z")])
        }
    }

    @Test("a specialty search merges its doctors' slots in start order")
    func bySpecialty() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let house = try await harness.addDoctor(to: clinic, windows: [Fixtures.window(.monday, (9, 0), (10, 0))])
            let wilson = try await harness.addDoctor("James", "Wilson", to: clinic, windows: [Fixtures.window(.monday, (9, 30), (10, 30))])
            let cuddy = try await harness.addDoctor("Lisa", "Cuddy", to: clinic, specialties: ["cardiology"])
            var request = Clinic_Appointments_V1_SearchFreeSlotsRequest()
            request.clinicId = clinic
            request.target = .specialtyCode("general-practice")
            request.dateRange = Fixtures.range((2025, 3, 24), (2025, 3, 24))
            let response = try await harness.appointments.searchFreeSlots(request)
            #expect(response.timeZone == "Europe/Paris")
            // Equal starts are ordered by doctor id.
            let tie = [house.id, wilson.id].sorted()
            #expect(response.slots.map(\.doctorId) == [house.id] + tie + [wilson.id])
            #expect(response.slots.map { $0.startTime?.seconds } == [
                Self.utc("2025-03-24T08:00:00Z"), Self.utc("2025-03-24T08:30:00Z"), Self.utc("2025-03-24T08:30:00Z"),
                Self.utc("2025-03-24T09:00:00Z"),
            ].map { Int64($0.timeIntervalSince1970) })
            #expect(response.slots.first?.doctorDisplayName == "Grégoire House")
            #expect(!response.slots.contains { $0.doctorId == cuddy.id })
            request.target = .specialtyCode("cardiology")
            #expect(Set(try await harness.appointments.searchFreeSlots(request).slots.map(\.doctorId)) == [cuddy.id])
        }
    }

    @Test("patients and visitors see only what they may book online; staff see every future slot")
    func bookingPolicy() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic { $0.minLeadTime = Fixtures.duration(minutes: 48 * 60) }
            let doctor = try await harness.addDoctor(to: clinic)
            let offline = try await harness.addDoctor("Off", "Line", to: clinic, online: false)
            let range = Fixtures.range((2025, 3, 20), (2025, 3, 23))
            // Now is Thursday 2025-03-20 12:00 UTC: Thursday's slots (08:00-11:00 UTC) are past for everyone.
            let staff = try await harness.freeSlots(doctor, range, options: try harness.admin(clinic))
            #expect(staff.count == 18 && staff.first == Self.utc("2025-03-21T08:00:00Z"))
            let visitor = try await harness.freeSlots(doctor, range)
            #expect(visitor.first == Self.utc("2025-03-23T08:00:00Z") && visitor.count == 6)
            let patient = try await harness.signUp()
            #expect(try await harness.freeSlots(doctor, range, options: patient.options, clinicID: clinic) == visitor)
            #expect(try await harness.freeSlots(offline, range).isEmpty)
            #expect(try await harness.freeSlots(offline, range, options: try harness.admin(clinic)).count == 18)

            try await harness.setPolicy(clinic) { $0.onlineBookingEnabled = false }
            #expect(try await harness.freeSlots(doctor, range).isEmpty)
            #expect(try await harness.freeSlots(doctor, range, options: try harness.admin(clinic)).count == 18)
        }
    }

    @Test("search pages through slots in order, and refuses a token made for another search")
    func pages() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            var request = Clinic_Appointments_V1_SearchFreeSlotsRequest()
            request.clinicId = clinic
            request.target = .doctorId(doctor.id)
            request.dateRange = Fixtures.range((2025, 3, 24), (2025, 3, 25))
            request.pageSize = 5
            var seen: [Int64] = []
            var pages = 0
            repeat {
                let page = try await harness.appointments.searchFreeSlots(request)
                seen += page.slots.compactMap { $0.startTime?.seconds }
                request.pageToken = page.nextPageToken
                pages += 1
            } while !request.pageToken.isEmpty
            #expect(pages == 3 && seen.count == 12 && seen == seen.sorted())

            request.pageToken = ""
            let tokenOfTwoDays = try await harness.appointments.searchFreeSlots(request).nextPageToken
            request.dateRange = Fixtures.range((2025, 3, 24), (2025, 3, 26))
            let mismatched = tokenOfTwoDays
            request.pageToken = mismatched
            await expectError(.invalidArgument, field: "page_token") { _ = try await harness.appointments.searchFreeSlots(request) }
            request.pageToken = "garbage!"
            await expectError(.invalidArgument, field: "page_token") { _ = try await harness.appointments.searchFreeSlots(request) }
            // A token whose position was edited (its cursor's start moved) is refused too.
            request.dateRange = Fixtures.range((2025, 3, 24), (2025, 3, 25))
            request.pageToken = Self.withEditedDigit(tokenOfTwoDays)
            await expectError(.invalidArgument, field: "page_token") { _ = try await harness.appointments.searchFreeSlots(request) }
        }
    }

    /// `token` (base64url without padding) with the position in its cursor edited: the first
    /// digit of its `startMs` made 9 (a start centuries later).
    static func withEditedDigit(_ token: String) -> String {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        var bytes = [UInt8](Data(base64Encoded: base64) ?? Data())
        let key = Array("\"startMs\":".utf8)
        if let start = (0...(bytes.count - key.count)).first(where: { Array(bytes[$0..<$0 + key.count]) == key }) {
            bytes[start + key.count] = 0x39
        }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test("searches in another time zone take the days of that zone")
    func otherZone() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            // 2025-03-24 in New York is 04:00 UTC that day to 04:00 UTC the next: Monday morning in
            // Paris only, not Tuesday's (08:00 UTC on the 25th).
            let slots = try await harness.freeSlots(doctor, Fixtures.range((2025, 3, 24), (2025, 3, 24))) { $0.timeZone = "America/New_York" }
            #expect(slots.count == 6 && slots.first == Self.utc("2025-03-24T08:00:00Z"))
        }
    }

    @Test("bad searches are refused, naming the field")
    func validation() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            func search(_ change: (inout Clinic_Appointments_V1_SearchFreeSlotsRequest) -> Void) async throws {
                var request = Clinic_Appointments_V1_SearchFreeSlotsRequest()
                request.clinicId = clinic
                request.target = .doctorId(doctor.id)
                request.dateRange = Fixtures.range((2025, 3, 24), (2025, 3, 25))
                change(&request)
                _ = try await harness.appointments.searchFreeSlots(request)
            }
            await expectError(.invalidArgument, field: "doctor_id") { try await search { $0.target = nil } }
            await expectError(.invalidArgument, field: "doctor_id") { try await search { $0.target = .doctorId("") } }
            await expectError(.invalidArgument, field: "date_range") { try await search { $0.dateRange = nil } }
            await expectError(.invalidArgument, field: "date_range") { try await search { $0.dateRange = Fixtures.range((2025, 3, 1), (2025, 4, 1)) } }
            await expectError(.invalidArgument, field: "date_range.end_date") {
                try await search { $0.dateRange = Fixtures.range((2025, 3, 25), (2025, 3, 24)) }
            }
            await expectError(.invalidArgument, field: "date_range.start_date") {
                try await search { $0.dateRange = Fixtures.range((2025, 2, 30), (2025, 3, 2)) }
            }
            await expectError(.invalidArgument, field: "time_zone") { try await search { $0.timeZone = "Mars/Olympus_Mons" } }
            await expectError(.invalidArgument, field: "page_size") { try await search { $0.pageSize = 501 } }
            await expectError(.invalidArgument, field: "clinic_id") { try await search { $0.clinicId = "" } }
            await expectError(.notFound) { try await search { $0.clinicId = "no_such_clinic" } }
            await expectError(.notFound, field: "doctor_id") { try await search { $0.target = .doctorId("doc_unknown") } }
        }
    }
}

package import ClinicAPI
import Foundation
import Platform
package import RPCCore
import Storage
import WellKnownTypes

extension AppointmentsService {
    package func searchFreeSlots(
        request: Clinic_Appointments_V1_SearchFreeSlotsRequest, context: ServerContext
    ) async throws -> Clinic_Appointments_V1_SearchFreeSlotsResponse {
        guard let target = request.target else {
            throw RequestCheck.invalid("doctor_id", "exactly one of doctor_id and specialty_code is required")
        }
        switch target {
        case .doctorId(let id) where id.isEmpty: throw RequestCheck.invalid("doctor_id", "must not be empty")
        case .specialtyCode(let code) where code.isEmpty: throw RequestCheck.invalid("specialty_code", "must not be empty")
        default: break
        }
        let range = try RequestCheck.dateRange(request.dateRange, field: "date_range", maxDays: 31)
        var searchZone: ZonedCalendar?
        if !request.timeZone.isEmpty {
            guard let zone = ZonedCalendar(identifier: request.timeZone) else {
                throw RequestCheck.invalid("time_zone", "is not a known IANA time zone")
            }
            searchZone = zone
        }
        let scope = PageScope(request) { $0.pageToken = ""; $0.pageSize = 0 }
        let after = try PageToken<SlotCursor>.decode(request.pageToken, scope: scope)
        let pageSize = RequestCheck.pageSize(request.pageSize, default: 100)

        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let clinicID = database.tenant.rawValue
        let clinic = try await schedules.clinic(clinicID)
        var response = Clinic_Appointments_V1_SearchFreeSlotsResponse()
        response.timeZone = clinic.timeZoneID
        // Patients and anonymous visitors see what they could book online; staff see every slot.
        let asPatient = context.principal.map { $0.actsAsPatient } ?? true
        let now = now()
        let window = asPatient ? BookingWindow.patient(now: now, policy: clinic.policy) : .staff(now: now)
        guard !asPatient || clinic.policy.onlineBookingEnabled else { return response }

        var candidates: [(id: String, profile: DoctorProfile)]
        switch target {
        case .doctorId(let doctorID):
            candidates = [try await schedules.doctor(doctorID, clinicID: clinicID)]
        case .specialtyCode(let code):
            candidates = try await schedules.doctors(specialty: code, clinicID: clinicID)
        }
        candidates = candidates.filter { $0.profile.isActive && (!asPatient || $0.profile.onlineBookingEnabled) }

        // The days asked for are in the search zone; the doctors' schedules are in the clinic's.
        let span = (searchZone ?? clinic.calendar).span(of: range)
        let clinicDays = CivilDateRange(
            first: clinic.calendar.civilDate(of: span.start),
            last: clinic.calendar.civilDate(of: span.end.addingTimeInterval(-1)))!  // start < end: in order.
        let schedules = self.schedules
        // One schedule call per doctor for the whole range, in parallel.
        let offered = try await withThrowingTaskGroup(of: (String, DoctorProfile, [TimeSpan]).self) { group in
            for candidate in candidates {
                group.addTask {
                    let slots = try await schedules.offeredSlots(doctorID: candidate.id, clinicID: clinicID, days: clinicDays)
                    return (candidate.id, candidate.profile, slots)
                }
            }
            var all: [(String, DoctorProfile, [TimeSpan])] = []
            for try await result in group { all.append(result) }
            return all
        }
        let doctorIDs = offered.map(\.0)
        let held = try await database.read("the appointments") { db in
            try doctorIDs.map { try AppointmentStore.heldSlots(doctorID: $0, span: span, db) }
        }
        var slots: [(slot: TimeSpan, doctorID: String, profile: DoctorProfile)] = []
        for (index, (doctorID, profile, doctorSlots)) in offered.enumerated() {
            for slot in SlotCalculator.freeSlots(doctorSlots, booked: held[index])
            where span.start <= slot.start && slot.start < span.end && window.allows(slot.start) {
                slots.append((slot, doctorID, profile))
            }
        }
        slots.sort { ($0.slot.start, $0.doctorID) < ($1.slot.start, $1.doctorID) }
        if let after {
            slots.removeAll { SlotCursor($0.slot.start, $0.doctorID) <= after }
        }
        let page = Page(slots, size: pageSize, scope: scope) { SlotCursor($0.slot.start, $0.doctorID) }
        for entry in page.items {
            var slot = Clinic_Appointments_V1_Slot()
            slot.doctorId = entry.doctorID
            slot.doctorDisplayName = entry.profile.displayName
            slot.specialtyCodes = entry.profile.specialtyCodes
            slot.startTime = Google_Protobuf_Timestamp(date: entry.slot.start)
            slot.endTime = Google_Protobuf_Timestamp(date: entry.slot.end)
            response.slots.append(slot)
        }
        response.nextPageToken = page.nextToken
        return response
    }
}

/// The position after the last slot of a page, in (start, doctor) order.
struct SlotCursor: Codable, Sendable, Hashable, Comparable {
    var startMs: Int64
    var doctorID: String

    init(_ start: Date, _ doctorID: String) {
        self.startMs = Int64((start.timeIntervalSince1970 * 1000).rounded())
        self.doctorID = doctorID
    }

    static func < (lhs: SlotCursor, rhs: SlotCursor) -> Bool {
        (lhs.startMs, lhs.doctorID) < (rhs.startMs, rhs.doctorID)
    }
}

package import ClinicAPI
import Foundation
import Platform
package import RPCCore
import Storage

extension AppointmentsService {
    /// A patient's appointments, across clinics for the patient themself.
    ///
    /// A patient has no tenant, so there is no one database to ask: the patients service's clinic
    /// links (account → clinic → patient id) are the cross-clinic index, and each linked clinic's
    /// database is asked for its page, then the pages are merged in (start, clinic, id) order.
    /// Nothing is copied between databases, so the lists are never stale.
    package func listPatientAppointments(
        request: Clinic_Appointments_V1_ListPatientAppointmentsRequest, context: ServerContext
    ) async throws -> Clinic_Appointments_V1_ListPatientAppointmentsResponse {
        let caller = try context.requirePrincipal()
        let statuses = try RequestCheck.statuses(request.statuses, field: "statuses")
        let scope = PageScope(request) { $0.pageToken = ""; $0.pageSize = 0 }
        let after = try PageToken<PatientAppointmentCursor>.decode(request.pageToken, scope: scope)
        let pageSize = RequestCheck.pageSize(request.pageSize, default: 50)
        let targets = try await patientTargets(request, caller: caller)

        let now = now()
        var filter = AppointmentFilter(statuses: statuses)
        switch request.timeFilter {
        case .past:
            filter.startsBefore = now
            filter.newestFirst = true
        case .all:
            filter.newestFirst = true
        default:
            filter.startsFrom = now
        }
        var merged: [(clinicID: String, record: AppointmentRecord)] = []
        for target in targets {
            var clinicFilter = filter
            clinicFilter.patientID = target.patientID
            let cursor = after.map { $0.cursor(forClinic: target.clinicID, newestFirst: filter.newestFirst) }
            let database: TenantDatabase
            do {
                database = try await storage.pool.database(for: TenantID(target.clinicID))
            } catch {
                throw RPCError(storage: error, what: "the clinic's appointments")
            }
            let page = try await database.read("the appointments") { [clinicFilter] db in
                try AppointmentStore.list(clinicFilter, after: cursor, limit: pageSize + 1, db)
            }
            merged += page.map { (target.clinicID, $0) }
        }
        merged.sort { lhs, rhs in
            let left = PatientAppointmentCursor(lhs.record, clinicID: lhs.clinicID)
            let right = PatientAppointmentCursor(rhs.record, clinicID: rhs.clinicID)
            return filter.newestFirst ? right < left : left < right
        }
        let page = Page(merged, size: pageSize, scope: scope) {
            PatientAppointmentCursor($0.record, clinicID: $0.clinicID)
        }
        var response = Clinic_Appointments_V1_ListPatientAppointmentsResponse()
        response.appointments = page.items.map { $0.record.proto(clinicID: $0.clinicID) }
        response.nextPageToken = page.nextToken
        return response
    }

    /// The (clinic, patient id) pairs to list: the patient's linked clinics (all, or the one named;
    /// `me` or one of their own patient ids), or for staff the patient of their own clinic.
    private func patientTargets(
        _ request: Clinic_Appointments_V1_ListPatientAppointmentsRequest, caller: Principal
    ) async throws -> [PatientDirectory.Link] {
        if let tenant = caller.tenant {
            guard request.clinicId.isEmpty || request.clinicId == tenant.rawValue else {
                throw RPCError(code: .permissionDenied, message: "clinic_id: must be empty or the caller's own clinic")
            }
            guard request.patientId != "me" else {
                throw RequestCheck.invalid("patient_id", "\"me\" is for patients; name the patient")
            }
            // Unknown (or another clinic's) patient ids are not_found, like everywhere else.
            let patient = try await patients.patient(request.patientId, clinicID: tenant.rawValue)
            return [PatientDirectory.Link(clinicID: tenant.rawValue, patientID: patient.id)]
        }
        guard caller.actsAsPatient, let accountID = caller.accountID else {
            throw RPCError(code: .permissionDenied, message: "only patients and clinic staff list a patient's appointments")
        }
        var links = try await patients.links(accountID: accountID)
        if !request.clinicId.isEmpty {
            links = links.filter { $0.clinicID == request.clinicId }
            guard !links.isEmpty else { throw RPCError(code: .notFound, message: "clinic_id: not a clinic of the patient") }
        }
        if request.patientId != "me" {
            links = links.filter { $0.patientID == request.patientId }
            guard !links.isEmpty else { throw RPCError(code: .notFound, message: "patient_id: patient not found") }
        }
        return links
    }
}

/// The position after the last appointment of a merged page, in (start, clinic, id) order.
struct PatientAppointmentCursor: Codable, Sendable, Hashable, Comparable {
    var startMs: Int64
    var clinicID: String
    var id: String

    init(_ record: AppointmentRecord, clinicID: String) {
        self.startMs = record.cursor.startMs
        self.clinicID = clinicID
        self.id = record.id
    }

    /// The per-clinic cursor that continues after this one in `clinicID`'s database: the same
    /// start and id in its own clinic; for clinics ordered before it (after it, newest first)
    /// nothing more at that start, for the others everything at that start.
    func cursor(forClinic clinic: String, newestFirst: Bool) -> AppointmentCursor {
        // Ids are [A-Za-z0-9_-]: "" sorts before every id and "~" after every one.
        if clinic == clinicID { return AppointmentCursor(startMs: startMs, id: id) }
        let clinicIsEarlier = newestFirst ? clinic > clinicID : clinic < clinicID
        if newestFirst {
            return AppointmentCursor(startMs: startMs, id: clinicIsEarlier ? "" : "~")
        }
        return AppointmentCursor(startMs: startMs, id: clinicIsEarlier ? "~" : "")
    }

    static func < (lhs: PatientAppointmentCursor, rhs: PatientAppointmentCursor) -> Bool {
        (lhs.startMs, lhs.clinicID, lhs.id) < (rhs.startMs, rhs.clinicID, rhs.id)
    }
}

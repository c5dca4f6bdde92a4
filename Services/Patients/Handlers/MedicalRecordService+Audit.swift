package import ClinicAPI
import Foundation
import Platform
package import RPCCore
import Storage

extension MedicalRecordService {
    /// The audit log, newest first: the whole clinic for its admins, the accesses to their own
    /// record for a patient.
    package func listAuditEvents(
        request: Clinic_Patients_V1_ListAuditEventsRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_ListAuditEventsResponse {
        let caller = try context.requirePrincipal()
        guard !request.actions.contains(.unspecified) else { throw RequestCheck.invalid("actions", "UNSPECIFIED is not an action") }
        var filter = AuditFilter()
        filter.patientID = request.patientId.isEmpty ? nil : request.patientId
        filter.actorAccountID = request.actorAccountId.isEmpty ? nil : request.actorAccountId
        filter.actions = Set(request.actions.map { Int($0.protoNumber) })
        filter.outcome = request.outcome == .unspecified ? nil : Int(request.outcome.protoNumber)
        filter.from = try RequestCheck.instant(request.interval?.startTime, field: "interval.start_time")
        filter.before = try RequestCheck.instant(request.interval?.endTime, field: "interval.end_time")
        if let from = filter.from, let before = filter.before, before <= from {
            throw RequestCheck.invalid("interval.end_time", "must be after start_time")
        }
        if caller.actsAsPatient, filter.patientID == nil {
            throw RequestCheck.invalid("patient_id", "is required for patients (their own patient id)")
        }
        let scope = PageScope(request) { $0.pageToken = ""; $0.pageSize = 0 }
        let after = try PageToken<Int64>.decode(request.pageToken, scope: scope)
        let pageSize = RequestCheck.pageSize(request.pageSize, default: 100)
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let events = try await database.reading("the audit log") { [filter] db in
            if caller.actsAsPatient, let patientID = filter.patientID {
                _ = try Self.reachablePatient(patientID, caller: caller, db)
            }
            return try AuditLog.list(filter, after: after, limit: pageSize + 1, db)
        }
        let page = Page(events, size: pageSize, scope: scope) { Int64($0.id) ?? 0 }
        var response = Clinic_Patients_V1_ListAuditEventsResponse()
        response.events = page.items
        response.nextPageToken = page.nextToken
        return response
    }
}

import ClinicAPI
package import Foundation
package import Logging
import Platform
import RPCCore
import Storage

/// The medical record service: doctors write records (header, entries, documents); doctors,
/// clinic admins and the patient read them; every call, allowed or not, leaves a line in the
/// clinic's append-only audit log before it answers.
///
/// Built by the composition root from the same `PatientsStorage` as `PatientsService` and
/// served on the same server (behind `PatientsService.authorizationInterceptor`), with a clock
/// and the document policy (content types, 25 MiB).
///
/// Reads are audited in the transaction that reads (a write transaction), so no data leaves the
/// service without its audit line; changes are audited in their own transaction. A call that
/// fails is audited afterwards with outcome DENIED (not found, permission denied) or FAILED.
/// Calls refused before they reach the service — a role the method does not allow, a patient not
/// linked to the clinic — have no clinic database to write to; the authorization interceptor
/// logs them.
package final class MedicalRecordService: Clinic_Patients_V1_MedicalRecordService.ServiceProtocol {
    let storage: PatientsStorage
    let documentPolicy: DocumentPolicy
    let now: @Sendable () -> Date
    let logger: Logger

    /// A service over `storage` (shared with `PatientsService`), accepting documents up to
    /// `maxDocumentBytes` (25 MiB by default).
    package init(
        storage: PatientsStorage,
        maxDocumentBytes: Int64 = DocumentPolicy.standard.maxBytes,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "clinic.patients.records")
    ) {
        self.storage = storage
        var policy = DocumentPolicy.standard
        policy.maxBytes = maxDocumentBytes
        self.documentPolicy = policy
        self.now = now
        self.logger = logger
    }

    // MARK: Helpers for the handlers

    /// The part of an audit line that comes from the call.
    func stamp(_ context: ServerContext, caller: Principal, at now: Date) -> AuditStamp {
        AuditStamp(
            actor: caller.actor(for: context.method), method: context.method.fullName,
            requestID: context.requestMetadata["clinic-request-id"] ?? "",
            clientAddress: context.requestMetadata["x-forwarded-for"] ?? "", now: now)
    }

    /// Runs `body` in one write transaction together with the audit line of `access` (SUCCESS).
    /// When `body` (or the commit) fails, the failure is audited in a transaction of its own,
    /// then rethrown.
    func audited<T: Sendable>(
        _ database: TenantDatabase, _ access: AuditAccess, stamp: AuditStamp, what: String,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        do {
            return try await database.writing(what) { db in
                let result = try body(db)
                try AuditLog.append(access, outcome: .success, stamp: stamp, db)
                return result
            }
        } catch {
            await auditFailure(error, database, access, stamp: stamp)
            throw error
        }
    }

    /// Appends the audit line of a failed call (its own transaction; a failure to audit is logged).
    func auditFailure(_ error: any Error, _ database: TenantDatabase, _ access: AuditAccess, stamp: AuditStamp) async {
        let outcome = AuditLog.outcome(for: error)
        do {
            try await database.write { db in try AuditLog.append(access, outcome: outcome, stamp: stamp, db) }
        } catch {
            logger.error("could not write an audit line", metadata: ["audit.method": "\(stamp.method)"])
        }
    }

    /// The patient `patientID` whose record `caller` reaches: any patient of the clinic for staff
    /// and services, only their own for a patient (`not_found` otherwise).
    static func reachablePatient(_ patientID: String, caller: Principal, _ db: Connection) throws -> PatientRecord {
        guard let patient = try PatientStore.find(id: patientID, db), caller.mayRead(patient) else {
            throw RPCError.patientNotFound
        }
        return patient
    }

    /// The record header of `patientID`, or `not_found` when no record was created.
    static func header(_ patientID: String, _ db: Connection) throws -> RecordHeader {
        guard let header = try RecordStore.find(patientID: patientID, db) else {
            throw RPCError(code: .notFound, message: "patient_id: the patient has no medical record yet")
        }
        return header
    }
}

/// Resource paths of audit lines.
enum AuditResource {
    static func record(_ patientID: String) -> String { "patients/\(patientID)/record" }
    static func entries(_ patientID: String) -> String { "patients/\(patientID)/record/entries" }
    static func entry(_ patientID: String, _ entryID: String) -> String { "patients/\(patientID)/record/entries/\(entryID)" }
    static func history(_ patientID: String) -> String { "patients/\(patientID)/record/history" }
    static func documents(_ patientID: String) -> String { "patients/\(patientID)/documents" }
    static func document(_ patientID: String, _ documentID: String) -> String { "patients/\(patientID)/documents/\(documentID)" }
}

package import ClinicAPI
import Foundation
import Platform
package import RPCCore
import Storage

extension PatientsService {
    /// Links the calling patient to a clinic: the clinic's Patient of this account (created from
    /// the profile the first time) and the platform link to it.
    ///
    /// Two databases, no distributed transaction: the clinic's Patient is written first and is the
    /// truth (its `account_id` is unique), the platform link second. A retry after a crash in
    /// between finds the Patient by its account and only adds the link, so it converges.
    package func linkPatientToClinic(
        request: Clinic_Patients_V1_LinkPatientToClinicRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_ClinicLink {
        let caller = try context.requirePrincipal()
        let accountID = try Self.patientAccount(context)
        let clinicID = request.clinicId
        let database = try await context.tenantDatabase(clinicID: clinicID)
        if let existing = try await storage.link(accountID: accountID, clinicID: clinicID) { return existing.proto }
        guard let profile = try await storage.readPlatform("the profile", { db in try ProfileStore.find(accountID: accountID, db) })
        else { throw RPCError(code: .failedPrecondition, message: "sign up as a patient before booking in a clinic") }
        let clinic = try await clinics.clinic(clinicID)
        let now = now()
        let actor = caller.actor(for: context.method)
        let correlationID = Self.correlationID(context)
        let patient = try await database.writing("the patient") { db -> PatientRecord in
            if let patient = try PatientStore.find(accountID: accountID, db) { return patient }
            let patient = PatientDraft.make(profile, id: RowID.make("pat"), now: now)
            try PatientStore.insert(patient, db)
            // Never merged into a record staff registered: the clinic sees a flag and merges itself.
            for (candidate, reasons) in try PatientStore.likelyDuplicates(of: patient, limit: 10, db) {
                try db.execute(
                    "INSERT OR IGNORE INTO patient_duplicate_flags (patient_id, candidate_id, reasons, created_ms) VALUES (?, ?, ?, ?)",
                    [patient.id, candidate.id, reasons.map { "\($0.protoNumber)" }.joined(separator: ","), now])
            }
            var registered = Clinic_Events_V1_PatientRegistered()
            registered.patientId = patient.id
            registered.accountId = accountID
            try PatientsOutbox.append(
                .patientRegistered(registered), eventType: "clinic.events.v1.PatientRegistered", clinicID: clinicID,
                actor: actor, correlationID: correlationID, now: now, db)
            return patient
        }
        let link = LinkRecord(
            accountID: accountID, clinicID: clinicID, patientID: patient.id, clinicName: clinic?.displayName ?? "",
            linkedAt: now)
        let stored = try await storage.writePlatform("the clinic link") { db in try LinkStore.insertIfAbsent(link, db) }
        context.logger.info("patient linked to clinic", metadata: ["patients.id": "\(patient.id)", "auth.account": "\(accountID)"])
        return stored.proto
    }

    /// Connects a patient account (found by its login e-mail among signed-up patients) to a
    /// Patient staff registered, after the desk checked the person's identity.
    package func linkPatientAccount(
        request: Clinic_Patients_V1_LinkPatientAccountRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_Patient {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let clinicID = database.tenant.rawValue
        let email = request.accountEmail
        guard let profile = try await storage.readPlatform("the profile", { db in try ProfileStore.find(email: email, db) }) else {
            throw RPCError(code: .notFound, message: "account_email: no patient account with this e-mail")
        }
        let accountID = profile.accountID
        let (patientID, etag) = (request.patientId, request.etag)
        let now = now()
        let actor = caller.actor(for: context.method)
        let correlationID = Self.correlationID(context)
        let patient = try await database.writing("the patient") { db -> PatientRecord in
            var patient = try Self.visiblePatient(patientID, to: caller, db)
            try Self.checkEtag(etag, version: patient.version)
            if patient.accountID == accountID { return patient }
            guard patient.accountID == nil else {
                throw RPCError(code: .failedPrecondition, message: "patient_id: the patient already has an account")
            }
            if let other = try PatientStore.find(accountID: accountID, db) {
                throw RPCError(
                    code: .failedPrecondition,
                    message: "account_email: the account is already linked to patient \(other.id) of this clinic")
            }
            patient.accountID = accountID
            patient.touch(now)
            try PatientStore.update(patient, db)
            var registered = Clinic_Events_V1_PatientRegistered()
            registered.patientId = patient.id
            registered.accountId = accountID
            try PatientsOutbox.append(
                .patientRegistered(registered), eventType: "clinic.events.v1.PatientRegistered", clinicID: clinicID,
                actor: actor, correlationID: correlationID, now: now, db)
            return patient
        }
        let clinicName = try await clinics.clinic(clinicID)?.displayName ?? ""
        let link = LinkRecord(accountID: accountID, clinicID: clinicID, patientID: patient.id, clinicName: clinicName, linkedAt: now)
        _ = try await storage.writePlatform("the clinic link") { db in try LinkStore.insertIfAbsent(link, db) }
        return patient.proto
    }
}

package import ClinicAPI
import Foundation
import Platform
package import RPCCore
import Storage

extension PatientsService {
    package func registerPatient(
        request: Clinic_Patients_V1_RegisterPatientRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_RegisterPatientResponse {
        let caller = try context.requirePrincipal()
        let now = now()
        let draft = try PatientDraft.make(request.patient ?? .init(), id: RowID.make("pat"), now: now)
        let database = try await context.tenantDatabase()
        let (callerKey, requestID, validateOnly) = (caller.description, request.requestId, request.validateOnly)
        let actor = caller.actor(for: context.method)
        let correlationID = Self.correlationID(context)
        let clinicID = database.tenant.rawValue
        let response = try await database.writing("the patient") { db -> Clinic_Patients_V1_RegisterPatientResponse in
            if !validateOnly, let earlier = try RequestIDs.find(
                Clinic_Patients_V1_RegisterPatientResponse.self, scope: "RegisterPatient", caller: callerKey,
                requestID: requestID, now: now, db)
            {
                return earlier
            }
            var response = Clinic_Patients_V1_RegisterPatientResponse()
            response.likelyDuplicates = try PatientStore.likelyDuplicates(of: draft, limit: 10, db).map { patient, reasons in
                var candidate = Clinic_Patients_V1_DuplicateCandidate()
                candidate.patient = patient.proto
                candidate.reasons = reasons
                return candidate
            }
            guard !validateOnly else { return response }
            try PatientStore.insert(draft, db)
            response.patient = draft.proto
            var registered = Clinic_Events_V1_PatientRegistered()
            registered.patientId = draft.id
            try PatientsOutbox.append(
                .patientRegistered(registered), eventType: "clinic.events.v1.PatientRegistered", clinicID: clinicID,
                actor: actor, correlationID: correlationID, now: now, db)
            try RequestIDs.record(response, scope: "RegisterPatient", caller: callerKey, requestID: requestID, now: now, db)
            return response
        }
        if !validateOnly {
            context.logger.info(
                "patient registered",
                metadata: ["patients.id": "\(response.patient?.id ?? "")", "patients.duplicates": "\(response.likelyDuplicates.count)"])
        }
        return response
    }

    package func getPatient(request: Clinic_Patients_V1_GetPatientRequest, context: ServerContext) async throws -> Clinic_Patients_V1_Patient {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let patientID = request.patientId
        return try await database.reading("the patient") { db in
            try Self.visiblePatient(patientID, to: caller, db).proto
        }
    }

    package func updatePatient(
        request: Clinic_Patients_V1_UpdatePatientRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_Patient {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let now = now()
        return try await database.writing("the patient") { db in
            var patient = try Self.visiblePatient(request.patientId, to: caller, db)
            try Self.checkEtag(request.etag, version: patient.version)
            let before = patient
            try PatientDraft.apply(request, to: &patient, byPatient: caller.actsAsPatient, now: now)
            if patient != before {
                patient.touch(now)
                try PatientStore.update(patient, db)
            }
            return patient.proto
        }
    }

    package func deletePatient(
        request: Clinic_Patients_V1_DeletePatientRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_Patient {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let patientID = request.patientId
        let current = try await database.reading("the patient") { db in try Self.visiblePatient(patientID, to: caller, db) }
        try Self.checkEtag(request.etag, version: current.version)
        guard !current.isArchived else { return current.proto }
        try await checkNoUpcomingAppointments(patientID, context: context)
        let now = now()
        return try await database.writing("the patient") { db in
            var patient = try Self.visiblePatient(patientID, to: caller, db)
            try Self.checkEtag(request.etag, version: patient.version)
            guard !patient.isArchived else { return patient.proto }
            patient.isArchived = true
            patient.deletedAt = now
            patient.touch(now)
            try PatientStore.update(patient, db)
            return patient.proto
        }
    }

    package func searchPatients(
        request: Clinic_Patients_V1_SearchPatientsRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_SearchPatientsResponse {
        var query = PatientQuery()
        query.words = TextKeys.words(request.query)
        let nationalID = TextKeys.nationalID(request.nationalId)
        query.nationalIDKey = nationalID.isEmpty ? nil : nationalID
        if let birthDate = request.birthDate {
            guard let day = CalendarDay(birthDate) else { throw RequestCheck.invalid("birth_date", "is not a calendar date") }
            query.birthDate = day
        }
        query.phone = request.phone.isEmpty ? nil : request.phone
        query.showArchived = request.showArchived
        guard query.hasCriteria else {
            throw RequestCheck.invalid("query", "at least one of query, national_id, birth_date and phone is required")
        }
        let scope = PageScope(request) { $0.pageToken = ""; $0.pageSize = 0 }
        let after = try PageToken<PatientCursor>.decode(request.pageToken, scope: scope)
        let pageSize = RequestCheck.pageSize(request.pageSize, default: 50)
        let database = try await context.tenantDatabase()
        let found = try await database.reading("the patients") { [query] db in
            try PatientStore.search(query, after: after, limit: pageSize + 1, db)
        }
        let page = Page(found, size: pageSize, scope: scope, cursor: PatientCursor.init)
        var response = Clinic_Patients_V1_SearchPatientsResponse()
        response.patients = page.items.map(\.proto)
        response.nextPageToken = page.nextToken
        return response
    }

    /// `failed_precondition` while the patient has upcoming appointments, asked of the
    /// appointments service on behalf of the caller (their token travels with the call).
    private func checkNoUpcomingAppointments(_ patientID: String, context: ServerContext) async throws {
        guard let appointments, let authorization = context.requestMetadata["authorization"] else { return }
        var request = Clinic_Appointments_V1_ListPatientAppointmentsRequest()
        request.patientId = patientID
        request.timeFilter = .upcoming
        request.statuses = [.proposed, .booked, .arrived]
        request.pageSize = 1
        var options = CallOptions.defaults
        options.metadata.add("authorization", authorization)
        let upcoming: Clinic_Appointments_V1_ListPatientAppointmentsResponse
        do {
            upcoming = try await appointments.listPatientAppointments(request, options: options)
        } catch let error as RPCError {
            throw RPCError(code: error.code == .unavailable ? .unavailable : .internal,
                           message: "the patient's appointments could not be checked (\(error.code))")
        }
        guard upcoming.appointments.isEmpty else {
            throw RPCError(
                code: .failedPrecondition, message: "the patient has upcoming appointments; cancel them before archiving")
        }
    }
}

package import ClinicAPI
import Foundation
import Logging
import Platform
package import RPCCore
import Storage
package import WellKnownTypes

extension DoctorsService {
    package func createAvailabilityException(request: Clinic_Doctors_V1_CreateAvailabilityExceptionRequest, context: ServerContext) async throws -> Clinic_Doctors_V1_AvailabilityException {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let reference = try DoctorAccess.reference(request.doctorId, caller: caller)
        let (kind, span, slot) = try AvailabilityRules.exception(request.exception, field: "exception")
        let reason = (request.exception?.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let (tenant, now, callerKey, requestID) = (database.tenant, configuration.now(), caller.description, request.requestId)
        let created = try await database.write("the exception") { db -> ExceptionRecord in
            guard let doctor = try Self.findDoctor(reference, db) else { throw RPCError.doctorNotFound }
            try DoctorAccess.checkOwnOrAdministered(caller, doctor, tenant: tenant)
            if !requestID.isEmpty,
                let id = try AvailabilityStore.createdException(
                    caller: callerKey, requestID: requestID, since: now.addingTimeInterval(-24 * 3600), db),
                let earlier = try AvailabilityStore.exception(id: id, doctorID: doctor.id, db)
            {
                return earlier
            }
            guard doctor.status == .active else { throw RPCError.doctorRemoved }
            if let clash = try AvailabilityStore.exceptions(
                doctorID: doctor.id, overlappingFrom: span.start, to: span.end, kind: kind, limit: 1, db
            ).first {
                throw DoctorRules.invalid("exception.interval", "overlaps exception \(clash.id) of the same kind")
            }
            let exception = ExceptionRecord(
                id: Self.newExceptionID(), doctorID: doctor.id, kind: kind, span: span, slotSeconds: slot, reason: reason,
                creator: Self.actor(caller, doctor: doctor), createdAt: now)
            try AvailabilityStore.insert(exception, db)
            if !requestID.isEmpty {
                try AvailabilityStore.recordCreation(caller: callerKey, requestID: requestID, exceptionID: exception.id, now: now, db)
            }
            return exception
        }
        context.logger.info(
            "availability exception created",
            metadata: ["doctors.doctor": "\(created.doctorID)", "doctors.exception": "\(created.id)", "auth.by": "\(caller)"])
        return Self.proto(created)
    }

    package func listAvailabilityExceptions(request: Clinic_Doctors_V1_ListAvailabilityExceptionsRequest, context: ServerContext) async throws -> Clinic_Doctors_V1_ListAvailabilityExceptionsResponse {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let reference = try DoctorAccess.reference(request.doctorId, caller: caller)
        let bounds: (Int64?, Int64?) =
            if let overlaps = request.overlaps {
                try AvailabilityRules.filterSpan(overlaps, field: "overlaps")
            } else {
                (Int64(configuration.now().timeIntervalSince1970), nil)
            }
        let (from, to) = bounds
        let kind: ExceptionRecord.Kind? =
            switch request.kind {
            case .timeOff: .timeOff
            case .extraHours: .extraHours
            default: nil
            }
        let limit = request.pageSize == 0 ? 100 : Int(request.pageSize)
        let filter = "\(database.tenant)|\(request.doctorId)|\(from.map(String.init) ?? "")|\(to.map(String.init) ?? "")|\(kind?.rawValue ?? "")"
        var after: (start: Int64, id: String)?
        let scope = PageScope(filter)
        if let keys = try PageToken<[String]>.decode(request.pageToken, scope: scope) {
            guard keys.count == 2, let start = Int64(keys[0]) else {
                throw DoctorRules.invalid("page_token", "is not a token this service issued")
            }
            after = (start, keys[1])
        }
        let tenant = database.tenant
        let rows = try await database.read("the exceptions") { [after] db -> [ExceptionRecord] in
            guard let doctor = try Self.findDoctor(reference, db) else { throw RPCError.doctorNotFound }
            try DoctorAccess.checkOwnOrAdministered(caller, doctor, tenant: tenant)
            return try AvailabilityStore.exceptions(
                doctorID: doctor.id, overlappingFrom: from, to: to, kind: kind, after: after, limit: limit + 1, db)
        }
        var response = Clinic_Doctors_V1_ListAvailabilityExceptionsResponse()
        let page = rows.prefix(limit)
        response.exceptions = page.map(Self.proto)
        if rows.count > limit, let last = page.last {
            response.nextPageToken = PageToken.encode([String(last.span.start), last.id], scope: scope)
        }
        return response
    }

    package func deleteAvailabilityException(request: Clinic_Doctors_V1_DeleteAvailabilityExceptionRequest, context: ServerContext) async throws -> Google_Protobuf_Empty {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let reference = try DoctorAccess.reference(request.doctorId, caller: caller)
        let (tenant, exceptionID) = (database.tenant, request.exceptionId)
        try await database.write("the exception") { db in
            guard let doctor = try Self.findDoctor(reference, db) else { throw RPCError.doctorNotFound }
            try DoctorAccess.checkOwnOrAdministered(caller, doctor, tenant: tenant)
            guard try AvailabilityStore.exception(id: exceptionID, doctorID: doctor.id, db) != nil else {
                throw RPCError(code: .notFound, message: "exception not found")
            }
            try AvailabilityStore.deleteException(id: exceptionID, db)
        }
        context.logger.info("availability exception deleted", metadata: ["doctors.exception": "\(exceptionID)", "auth.by": "\(caller)"])
        return Google_Protobuf_Empty()
    }

    /// Who created an exception, from the verified caller.
    static func actor(_ caller: Principal, doctor: DoctorRecord) -> Clinic_Common_V1_Actor {
        var actor = Clinic_Common_V1_Actor()
        if let service = caller.serviceName {
            actor.role = .service
            actor.serviceName = service
            return actor
        }
        actor.accountId = caller.accountID ?? ""
        let isSelf = caller.accountID == doctor.accountID
        actor.role = isSelf && caller.has(.doctor) ? .doctor : (caller.has(.clinicAdmin) ? .clinicAdmin : .doctor)
        if isSelf, let name = doctor.proto(staffView: false).name { actor.displayName = name.displayName }
        return actor
    }

    static func proto(_ record: ExceptionRecord) -> Clinic_Doctors_V1_AvailabilityException {
        var exception = Clinic_Doctors_V1_AvailabilityException()
        exception.id = record.id
        exception.doctorId = record.doctorID
        exception.kind = record.kind == .timeOff ? .timeOff : .extraHours
        exception.interval = Clinic_Common_V1_Interval(record.span)
        if record.kind == .extraHours { exception.slotDuration = Google_Protobuf_Duration(seconds: Int64(record.slotSeconds)) }
        exception.reason = record.reason
        exception.creator = record.creator
        exception.createTime = Google_Protobuf_Timestamp(date: record.createdAt)
        return exception
    }

    /// `exc_` and 32 hex digits.
    static func newExceptionID() -> String {
        "exc_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}

package import ClinicAPI
import Foundation
import Platform
package import RPCCore
import Storage

extension ClinicsService {
    package func listClinics(request: Clinic_Clinics_V1_ListClinicsRequest, context: ServerContext) async throws -> Clinic_Clinics_V1_ListClinicsResponse {
        if request.showDeleted, !ClinicAccess.mayShowDeleted(context.principal) {
            throw RPCError(code: .permissionDenied, message: "show_deleted: only the super admin sees deleted clinics")
        }
        let locality = request.locality.isEmpty ? nil : SearchKey.fold(request.locality)
        let filter = "list|\(request.showDeleted)|\(request.specialtyCode)|\(locality ?? "")|\(request.regionCode)"
        let scope = PageScope(filter)
        let token = try PageToken<ClinicCursor>.decode(request.pageToken, scope: scope)
        var query = ClinicListQuery(limit: request.pageSize == 0 ? 50 : Int(request.pageSize))
        query.includeDeleted = request.showDeleted
        query.specialtyCode = request.specialtyCode.isEmpty ? nil : request.specialtyCode
        query.localityKey = locality
        query.regionCode = request.regionCode.isEmpty ? nil : request.regionCode
        if let token {
            guard let key = token.key, let id = token.id else {
                throw ClinicRules.invalid("page_token", "is not a token this service issued")
            }
            query.after = (key, id)
        }
        let rows = try await database.read("the clinics") { [query] db in try ClinicStore.list(query, db) }
        let page = rows.prefix(query.limit)
        var response = Clinic_Clinics_V1_ListClinicsResponse()
        response.clinics = page.map(\.proto)
        if rows.count > query.limit, let last = page.last {
            response.nextPageToken = PageToken.encode(ClinicCursor(key: last.nameKey, id: last.id), scope: scope)
        }
        return response
    }

    package func searchClinics(request: Clinic_Clinics_V1_SearchClinicsRequest, context: ServerContext) async throws -> Clinic_Clinics_V1_SearchClinicsResponse {
        let match = try SearchText.match(request.query, field: "query")
        let filter = "search|\(match)|\(request.specialtyCode)|\(request.regionCode)"
        let scope = PageScope(filter)
        let token = try PageToken<ClinicCursor>.decode(request.pageToken, scope: scope)
        if let offset = token?.offset, offset < 0 { throw ClinicRules.invalid("page_token", "is not a token this service issued") }
        let query = ClinicSearchQuery(
            match: match, specialtyCode: request.specialtyCode.isEmpty ? nil : request.specialtyCode,
            regionCode: request.regionCode.isEmpty ? nil : request.regionCode, offset: token?.offset ?? 0,
            limit: request.pageSize == 0 ? 20 : Int(request.pageSize))
        let rows = try await database.read("the clinics") { db in try ClinicStore.search(query, db) }
        let page = rows.prefix(query.limit)
        var response = Clinic_Clinics_V1_SearchClinicsResponse()
        response.clinics = page.map(\.proto)
        if rows.count > query.limit {
            response.nextPageToken = PageToken.encode(ClinicCursor(offset: query.offset + query.limit), scope: scope)
        }
        return response
    }

    package func listSpecialties(request: Clinic_Clinics_V1_ListSpecialtiesRequest, context: ServerContext) async throws -> Clinic_Clinics_V1_ListSpecialtiesResponse {
        let scope = PageScope("specialties")
        let token = try PageToken<ClinicCursor>.decode(request.pageToken, scope: scope)
        guard token == nil || token?.key != nil else { throw ClinicRules.invalid("page_token", "is not a token this service issued") }
        let limit = request.pageSize == 0 ? 500 : Int(request.pageSize)
        let after = token?.key
        let rows = try await database.read("the specialties") { db in try SpecialtyStore.list(after: after, limit: limit, db) }
        var response = Clinic_Clinics_V1_ListSpecialtiesResponse()
        response.specialties = Array(rows.prefix(limit))
        if rows.count > limit, let last = response.specialties.last {
            response.nextPageToken = PageToken.encode(ClinicCursor(key: last.code), scope: scope)
        }
        return response
    }

    package func createSpecialty(request: Clinic_Clinics_V1_CreateSpecialtyRequest, context: ServerContext) async throws -> Clinic_Clinics_V1_Specialty {
        let caller = try context.requirePrincipal()
        guard var specialty = request.specialty else { throw ClinicRules.invalid("specialty", "is required") }
        specialty.displayName = try ClinicRules.displayName(specialty.displayName, field: "specialty.display_name")
        specialty.description = specialty.description.trimmingCharacters(in: .whitespacesAndNewlines)
        let now = configuration.now()
        let stored = specialty
        do {
            try await database.write { db in try SpecialtyStore.insert(stored, now: now, db) }
        } catch let error as StorageError where error.code == .uniqueViolation {
            throw RPCError(code: .alreadyExists, message: "specialty.code: specialty \(stored.code) already exists")
        } catch {
            throw RPCError(storage: error, what: "the specialty")
        }
        context.logger.info("specialty created", metadata: ["clinics.specialty": "\(stored.code)", "auth.by": "\(caller)"])
        return stored
    }
}

/// Where the next page of a clinics listing starts: a keyset position (the last row's sort key
/// and id) for listings, an offset for ranked search.
struct ClinicCursor: Codable, Sendable, Equatable {
    var key: String?
    var id: String?
    var offset: Int?
}

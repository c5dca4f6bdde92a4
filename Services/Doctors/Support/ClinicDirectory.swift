import ClinicAPI
import Foundation
import Platform
import RPCCore
import Storage

/// What the doctors service needs to know about a clinic: its time zone and closures.
struct ClinicInfo: Sendable {
    var id: String
    var timeZoneID: String
    var zone: ZoneCalendar
    /// Closed day ranges, inclusive.
    var closures: [ClosedRange<LocalDate>]

    /// From the clinics service's answer; nil when its time zone is unknown here.
    init?(_ clinic: Clinic_Clinics_V1_Clinic) {
        guard let zone = ZoneCalendar(identifier: clinic.timeZone) else { return nil }
        id = clinic.id
        timeZoneID = clinic.timeZone
        self.zone = zone
        closures = clinic.closures.compactMap { closure in
            guard let dates = closure.dates,
                let start = try? AvailabilityRules.date(dates.startDate, field: ""),
                let end = try? AvailabilityRules.date(dates.endDate, field: ""), start <= end
            else { return nil }
            return start...end
        }
    }

    func isClosed(_ date: LocalDate) -> Bool {
        closures.contains { $0.contains(date) }
    }
}

/// The doctors service's view of the clinics service: clinics (time zone, closures, whether they
/// exist) and the specialty catalog, each cached for `lifetime` so a burst of schedule requests
/// costs one call.
///
/// It is also the `TenantDirectory` of the doctors service: a clinic exists when GetClinic finds
/// it (deleted clinics are `not_found` there, so nothing can be done in them).
struct ClinicDirectory: TenantDirectory {
    private let clinics: Clinic_Clinics_V1_ClinicService.Client
    private let timeout: Duration
    private let cachedClinics: ExpiringCache<String, ClinicInfo>
    private let cachedCatalog: ExpiringCache<String, Set<String>>

    init(clinics: Clinic_Clinics_V1_ClinicService.Client, lifetime: Duration, timeout: Duration) {
        self.clinics = clinics
        self.timeout = timeout
        cachedClinics = ExpiringCache(lifetime: lifetime)
        cachedCatalog = ExpiringCache(lifetime: lifetime, capacity: 1)
    }

    /// The clinic `id`, or nil when the clinics service does not know it (or it is deleted).
    func clinic(_ id: String) async throws -> ClinicInfo? {
        let (clinics, timeout) = (self.clinics, self.timeout)
        return try await cachedClinics.value(for: id) {
            var request = Clinic_Clinics_V1_GetClinicRequest()
            request.clinicId = id
            do {
                return ClinicInfo(try await clinics.getClinic(request, options: CallOptions(timeout: timeout)))
            } catch let error as RPCError where error.code == .notFound {
                return nil
            } catch let error as RPCError {
                throw RPCError(code: .unavailable, message: "the clinics service could not be asked (\(error.code)); retry")
            }
        }
    }

    /// The clinic `id`, or `not_found`.
    func requireClinic(_ id: String) async throws -> ClinicInfo {
        guard let info = try await clinic(id) else { throw RPCError(code: .notFound, message: "clinic \(id) not found") }
        return info
    }

    /// The codes of the platform's specialty catalog.
    func specialtyCodes() async throws -> Set<String> {
        let (clinics, timeout) = (self.clinics, self.timeout)
        let codes = try await cachedCatalog.value(for: "catalog") {
            var codes = Set<String>()
            var request = Clinic_Clinics_V1_ListSpecialtiesRequest()
            request.pageSize = 500
            do {
                repeat {
                    let page = try await clinics.listSpecialties(request, options: CallOptions(timeout: timeout))
                    codes.formUnion(page.specialties.map(\.code))
                    request.pageToken = page.nextPageToken
                } while !request.pageToken.isEmpty
            } catch let error as RPCError {
                throw RPCError(code: .unavailable, message: "the specialty catalog could not be read (\(error.code)); retry")
            }
            return codes
        }
        return codes ?? []
    }

    // MARK: TenantDirectory

    func contains(_ tenant: TenantID) async throws -> Bool {
        try await clinic(tenant.rawValue) != nil
    }
}

/// Who may act in a clinic named by the request: anyone for public methods (ListDoctors,
/// GetDoctor: patients choosing a doctor, logged in or not) once the clinic exists; otherwise
/// the platform's rule (`StandardTenantAdmission`).
struct DoctorsTenantAdmission: TenantAdmission {
    let clinics: any TenantDirectory
    let standard: StandardTenantAdmission

    func admit(_ principal: Principal?, to tenant: TenantID, method: MethodDescriptor) async throws {
        if method.policy.isPublic {
            guard try await clinics.contains(tenant) else {
                throw RPCError(code: .notFound, message: "clinic \(tenant) not found")
            }
            return
        }
        try await standard.admit(principal, to: tenant, method: method)
    }

    func requireOpen(_ tenant: TenantID) async throws {
        try await standard.requireOpen(tenant)
    }
}

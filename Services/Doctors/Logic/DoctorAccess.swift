import Platform
import RPCCore
import Storage

/// Who may see and change which doctor of a clinic. Pure: the handlers load the record and ask.
/// The tenant itself is settled before (the caller's token, or the admission of a named clinic).
///
/// - Clinic admins manage every doctor of their clinic; services (the appointments service) read
///   every doctor's availability and schedule.
/// - A doctor reads and sets their own availability, exceptions and schedule, and edits their
///   own biography, languages and contact; another doctor's answer `permission_denied`.
/// - Contact and license number are shown to the clinic's staff, the super admin and services.
enum DoctorAccess {
    /// How a request names a doctor.
    enum Reference: Sendable, Equatable {
        case id(String)
        /// "me": the calling doctor's own record, by account id.
        case account(String)
    }

    /// Resolves `doctorID` ("me" for the calling doctor).
    static func reference(_ doctorID: String, caller: Principal?) throws(RPCError) -> Reference {
        guard doctorID == "me" else { return .id(doctorID) }
        guard let caller, caller.has(.doctor), let account = caller.accountID else {
            throw RPCError(invalidArgument: .init(fieldPath: "doctor_id", reason: "\"me\" needs a doctor caller"))
        }
        return .account(account)
    }

    /// Whether `caller` works in `tenant` (clinic admin or doctor there).
    static func isStaff(_ caller: Principal?, of tenant: TenantID) -> Bool {
        guard let caller, caller.tenant == tenant else { return false }
        return caller.has(.clinicAdmin) || caller.has(.doctor)
    }

    /// Whether `caller` sees a doctor's contact and license number.
    static func seesStaffFields(_ caller: Principal?, of tenant: TenantID) -> Bool {
        isStaff(caller, of: tenant) || caller?.has(.superAdmin) == true || caller?.kind == .service
    }

    /// Whether `caller` administers the doctors (clinic admin of the tenant, or a service).
    static func isAdministrator(_ caller: Principal, of tenant: TenantID) -> Bool {
        (caller.has(.clinicAdmin) && caller.tenant == tenant) || caller.kind == .service
    }

    /// Checks that `caller` may work with `record`'s availability, exceptions and schedule:
    /// administrators for any doctor, a doctor for themself.
    static func checkOwnOrAdministered(_ caller: Principal, _ record: DoctorRecord, tenant: TenantID) throws(RPCError) {
        if isAdministrator(caller, of: tenant) { return }
        guard caller.has(.doctor), caller.tenant == tenant, let account = caller.accountID, account == record.accountID else {
            throw RPCError(code: .permissionDenied, message: "doctor_id: doctors may only act on their own schedule")
        }
    }
}

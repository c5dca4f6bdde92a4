import ClinicAPI
import Platform
import ProtoRuntime
import RPCCore

/// Who may see and manage which accounts, and which role sets an account may hold. Pure: the
/// handlers load the records and ask.
///
/// - The super admin manages every account, and is the only one who grants or removes `super_admin`.
/// - A clinic admin manages the accounts of their clinic (never a super admin) and assigns
///   `clinic_admin` and `doctor` there.
/// - A platform service manages only the kind of account it exists to create (least privilege,
///   by its mTLS identity): the clinics service clinic admins (a new clinic's first admin), the
///   doctors service doctors, the patients service patients; any other service none.
/// - Everyone sees their own account. Anything else is `not_found`, so ids are not confirmed.
enum AccountRules {
    // MARK: Visibility and management

    /// Whether `caller` may read `account` (GetAccount).
    static func canRead(_ caller: Principal, _ account: AccountRecord) -> Bool {
        caller.accountID == account.id || canManage(caller, account)
    }

    /// Whether `caller` may change or delete `account`.
    static func canManage(_ caller: Principal, _ account: AccountRecord) -> Bool {
        if caller.has(.superAdmin) { return true }
        // Services manage only the accounts they create (a clinic's first admin, doctors, patients).
        if let service = caller.serviceName {
            let own = serviceAccountRoles[service] ?? []
            return !account.roles.isEmpty && account.roles.isSubset(of: own)
        }
        if caller.has(.clinicAdmin), let tenant = caller.tenant {
            return account.clinicID == tenant.rawValue && !account.roles.contains(.superAdmin)
        }
        return false
    }

    /// The account roles each platform service may create and manage, by its mTLS name
    /// (`spiffe://clinic/<name>`); a service not listed creates and manages no account.
    static let serviceAccountRoles: [String: Set<Role>] = [
        "clinics": [.clinicAdmin],
        "doctors": [.doctor],
        "patients": [.patient],
    ]

    // MARK: Roles

    /// The roles a request names, checked: at least one, no `service`, no unknown value.
    static func roles(from proto: [Clinic_Common_V1_Role], field: String) throws(RPCError) -> Set<Role> {
        var roles = Set<Role>()
        for value in proto {
            guard let role = Role(value), role != .service else {
                throw invalid(field, "only super_admin, clinic_admin, doctor and patient can be held by an account")
            }
            roles.insert(role)
        }
        guard !roles.isEmpty else { throw invalid(field, "at least one role is required") }
        return roles
    }

    /// Whether `roles` fit together with `clinicID`: super admins and patients have no clinic,
    /// clinic admins and doctors have one; `super_admin` and `patient` are held alone.
    static func checkShape(_ roles: Set<Role>, clinicID: String?, field: String) throws(RPCError) {
        let staff = roles.contains(where: \.isClinicStaff)
        if roles.contains(.superAdmin), roles.count > 1 {
            throw invalid(field, "super_admin cannot be combined with other roles")
        }
        if roles.contains(.patient), roles.count > 1 {
            throw invalid(field, "patient cannot be combined with staff roles (use a second account)")
        }
        if staff, clinicID == nil {
            throw invalid(field, "clinic_admin and doctor need an account of a clinic (clinic_id)")
        }
        if !staff, clinicID != nil {
            throw invalid("account.clinic_id", "only clinic admins and doctors belong to a clinic")
        }
    }

    /// The roles `caller` may give an account it creates or changes, and the clinic the account
    /// ends up in. `requestedClinicID` is the request's `account.clinic_id`.
    static func checkCreate(
        _ caller: Principal, roles: Set<Role>, requestedClinicID: String
    ) throws(RPCError) -> String? {
        let allowed: Set<Role>
        let clinicID: String?
        if caller.has(.superAdmin) {
            allowed = [.superAdmin, .clinicAdmin, .doctor]
            clinicID = requestedClinicID.isEmpty ? nil : requestedClinicID
        } else if caller.has(.clinicAdmin), let tenant = caller.tenant {
            allowed = [.clinicAdmin, .doctor]
            // The clinic is the caller's own; naming another one is refused, not silently ignored.
            guard requestedClinicID.isEmpty || requestedClinicID == tenant.rawValue else {
                throw RPCError(code: .permissionDenied, message: "account.clinic_id: clinic admins create accounts of their own clinic only")
            }
            clinicID = roles.contains(where: \.isClinicStaff) ? tenant.rawValue : nil
        } else if let service = caller.serviceName {
            allowed = serviceAccountRoles[service] ?? []
            guard !allowed.isEmpty else {
                throw RPCError(code: .permissionDenied, message: "the \(service) service may not create accounts")
            }
            clinicID = requestedClinicID.isEmpty ? nil : requestedClinicID
        } else {
            throw RPCError(code: .permissionDenied, message: "the caller may not create accounts")
        }
        guard roles.isSubset(of: allowed) else {
            throw RPCError(code: .permissionDenied, message: "account.roles: the caller may not grant \(roles.subtracting(allowed).sorted().map(\.rawValue).joined(separator: ", "))")
        }
        try checkShape(roles, clinicID: clinicID, field: "account.roles")
        return clinicID
    }

    /// Whether `caller` may replace `account`'s roles with `newRoles` (SetAccountRoles).
    static func checkRoleChange(_ caller: Principal, _ account: AccountRecord, to newRoles: Set<Role>) throws(RPCError) {
        let touchesSuperAdmin = account.roles.contains(.superAdmin) != newRoles.contains(.superAdmin)
        if touchesSuperAdmin, !caller.has(.superAdmin) {
            throw RPCError(code: .permissionDenied, message: "roles: only the super admin grants or removes super_admin")
        }
        if !caller.has(.superAdmin) {
            let allowed: Set<Role> = [.clinicAdmin, .doctor]
            guard caller.has(.clinicAdmin), newRoles.isSubset(of: allowed), account.roles.isSubset(of: allowed) else {
                throw RPCError(code: .permissionDenied, message: "roles: clinic admins assign clinic_admin and doctor only")
            }
        }
        if caller.accountID == account.id {
            let keepsAdmin = caller.roles.contains { ($0 == .superAdmin || $0 == .clinicAdmin) && newRoles.contains($0) }
            if !keepsAdmin {
                throw RPCError(code: .failedPrecondition, message: "roles: you cannot remove your own admin role")
            }
        }
        try checkShape(newRoles, clinicID: account.clinicID, field: "roles")
    }

    // MARK: Profiles

    /// How much of `owner`'s profile `viewer` sees; nil means not at all (`not_found`).
    /// `patientLinked` tells whether a patient viewer is linked to the owner's clinic.
    static func profileView(_ viewer: Principal, _ owner: AccountRecord, patientLinked: Bool) -> Clinic_Auth_V1_ProfileView? {
        if viewer.accountID == owner.id { return .full }
        if owner.status == .disabled, !viewer.has(.superAdmin) { return nil }
        if viewer.has(.superAdmin) { return .full }
        let sameClinic = owner.clinicID != nil && owner.clinicID == viewer.tenant?.rawValue
        if viewer.has(.clinicAdmin), sameClinic, !owner.roles.contains(.superAdmin) { return .full }
        if viewer.roles.contains(where: \.isClinicStaff), sameClinic { return .limited }
        if viewer.has(.patient), owner.roles.contains(.doctor), patientLinked { return .limited }
        return nil
    }

    static func invalid(_ field: String, _ reason: String) -> RPCError {
        RPCError(invalidArgument: ValidationError(fieldPath: field, reason: reason))
    }
}

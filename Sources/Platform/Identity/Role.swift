import Foundation
package import ClinicAPI

/// A role a caller acts in, named as `MethodPolicy.roles` names it (the `.proto`'s
/// `clinic.common.v1.Role` without the prefix, lower-cased).
package enum Role: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Runs the platform.
    case superAdmin = "super_admin"
    /// Runs one clinic (tenant).
    case clinicAdmin = "clinic_admin"
    /// A practitioner of one clinic.
    case doctor
    /// A person receiving care; may visit several clinics.
    case patient
    /// Another platform service, authenticated by its mTLS certificate, never by a token.
    case service

    /// The roles an account can hold (every role but `service`).
    package static let accountRoles: [Role] = [.superAdmin, .clinicAdmin, .doctor, .patient]

    /// The role for a proto enum value; nil for `unspecified` and unknown numbers.
    package init?(_ proto: Clinic_Common_V1_Role) {
        switch proto {
        case .superAdmin: self = .superAdmin
        case .clinicAdmin: self = .clinicAdmin
        case .doctor: self = .doctor
        case .patient: self = .patient
        case .service: self = .service
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    /// An account role from a command-line argument: `super-admin`, `super_admin`, `Doctor`...
    /// (never `service`, which no account holds).
    package init?(argument: String) {
        let name = argument.lowercased().replacingOccurrences(of: "-", with: "_")
        guard let role = Role(rawValue: name), role != .service else { return nil }
        self = role
    }

    /// The proto enum value.
    package var proto: Clinic_Common_V1_Role {
        switch self {
        case .superAdmin: .superAdmin
        case .clinicAdmin: .clinicAdmin
        case .doctor: .doctor
        case .patient: .patient
        case .service: .service
        }
    }

    /// Whether an account in this role works inside one clinic (and so has a tenant).
    package var isClinicStaff: Bool { self == .clinicAdmin || self == .doctor }

    package static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!  // Both are cases of allCases.
    }
}

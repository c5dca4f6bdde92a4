import ClinicAPI
import Foundation
import Platform
import RPCCore

/// Turns a `ListAccountsRequest` into a query the caller is allowed to run, and encodes page
/// tokens (Platform's `PageToken`): the position after the last account of a page, bound to the
/// filters, so a token reused with other filters is refused (`invalid_argument` on `page_token`).
enum AccountListing {
    static func query(for request: Clinic_Auth_V1_ListAccountsRequest, caller: Principal) throws(RPCError) -> AccountListQuery {
        var query = AccountListQuery()
        if caller.has(.superAdmin) {
            query.clinicID = request.clinicId.isEmpty ? nil : request.clinicId
        } else if caller.has(.clinicAdmin), let tenant = caller.tenant {
            guard request.clinicId.isEmpty || request.clinicId == tenant.rawValue else {
                throw RPCError(code: .permissionDenied, message: "clinic_id: clinic admins list their own clinic only")
            }
            query.clinicID = tenant.rawValue
            query.excludeSuperAdmins = true
        } else {
            throw RPCError(code: .permissionDenied, message: "the caller may not list accounts")
        }
        switch request.role {
        case .unspecified: query.role = nil
        default: query.role = Role(request.role)
        }
        switch request.state {
        case .active: query.state = .active
        case .pendingActivation: query.state = .pendingActivation
        case .locked: query.state = .locked
        case .disabled: query.state = .disabled
        default: query.state = .any
        }
        query.prefix = request.query.trimmingCharacters(in: .whitespaces)
        query.showDeleted = request.showDeleted
        query.limit = request.pageSize == 0 ? 50 : Int(request.pageSize)
        query.after = try PageToken<AccountListQuery.Cursor>.decode(request.pageToken, scope: scope(request))
        return query
    }

    static func pageToken(after cursor: AccountListQuery.Cursor, request: Clinic_Auth_V1_ListAccountsRequest) -> String {
        PageToken.encode(cursor, scope: scope(request))
    }

    /// Every field but the page size and token.
    private static func scope(_ request: Clinic_Auth_V1_ListAccountsRequest) -> PageScope {
        PageScope(request) { $0.pageSize = 0; $0.pageToken = "" }
    }
}

import ClinicAPI
import ClinicTLS
import Foundation
import Platform
import RPCCore

/// Turns a `ListAccountsRequest` into a query the caller is allowed to run, and encodes page
/// tokens: the position after the last account of a page plus a fingerprint of the filters, so a
/// token reused with other filters is refused (`invalid_argument` on `page_token`).
enum AccountListing {
    private struct PageToken: Codable {
        var after: AccountListQuery.Cursor
        var filters: String
    }

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
        if !request.pageToken.isEmpty {
            guard let bytes = Base64URL.decode(request.pageToken),
                let token = try? JSONDecoder().decode(PageToken.self, from: Data(bytes))
            else {
                throw AccountRules.invalid("page_token", "is not a token from a previous page")
            }
            guard token.filters == fingerprint(request) else {
                throw AccountRules.invalid("page_token", "was made for other filters; keep them the same between pages")
            }
            query.after = token.after
        }
        return query
    }

    static func pageToken(after cursor: AccountListQuery.Cursor, request: Clinic_Auth_V1_ListAccountsRequest) -> String {
        let token = PageToken(after: cursor, filters: fingerprint(request))
        // Encoding a struct of strings cannot fail.
        let data = (try? JSONEncoder().encode(token)) ?? Data()
        return Base64URL.encode(Array(data))
    }

    /// Every field but the page size and token.
    private static func fingerprint(_ request: Clinic_Auth_V1_ListAccountsRequest) -> String {
        let text = [
            request.clinicId, "\(request.role.protoNumber)", "\(request.state.protoNumber)", request.query,
            "\(request.showDeleted)",
        ].joined(separator: "\u{1F}")
        return Base64URL.encode(Array(Digest.sha256(text).prefix(9)))
    }
}

package import ClinicAPI
import Foundation
import Logging
import Platform
import ProtoRuntime
package import RPCCore
import Storage

extension AuthService {
    package func createAccount(request: Clinic_Auth_V1_CreateAccountRequest, context: ServerContext) async throws -> Clinic_Auth_V1_Account {
        let caller = try context.requirePrincipal()
        let now = configuration.now()
        let draft = try AccountDraft(request.account ?? Clinic_Auth_V1_Account(), password: request.initialPassword, policy: passwordPolicy)
        let clinicID = try AccountRules.checkCreate(caller, roles: draft.roles, requestedClinicID: draft.requestedClinicID)
        let callerKey = caller.description
        let requestID = request.requestId
        if !requestID.isEmpty, let earlier = try await earlierCreation(caller: callerKey, requestID: requestID, now: now) {
            return earlier.proto(at: now)
        }
        let created = try await insertAccount(draft, clinicID: clinicID, now: now) { db, account in
            if !requestID.isEmpty {
                try AccountStore.recordCreation(caller: callerKey, requestID: requestID, accountID: account.id, now: now, db)
            }
        }
        context.logger.info(
            "account created",
            metadata: ["auth.account": "\(created.id)", "auth.roles": "\(created.rolesColumn)", "auth.by": "\(caller)"])
        return created.proto(at: now)
    }

    package func getAccount(request: Clinic_Auth_V1_GetAccountRequest, context: ServerContext) async throws -> Clinic_Auth_V1_Account {
        let caller = try context.requirePrincipal()
        let id = try resolve(request.accountId, caller: caller)
        guard let account = try await database.read("the account", { db in try AccountStore.find(id: id, db) }),
            AccountRules.canRead(caller, account)
        else { throw RPCError.accountNotFound }
        return account.proto(at: configuration.now())
    }

    package func updateAccount(request: Clinic_Auth_V1_UpdateAccountRequest, context: ServerContext) async throws -> Clinic_Auth_V1_Account {
        let caller = try context.requirePrincipal()
        let id = try resolve(request.accountId, caller: caller)
        let now = configuration.now()
        let newEmail = try request.email.map { email in
            let trimmed = email.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { throw AccountRules.invalid("email", "must not be empty") }
            return trimmed
        }
        if let name = request.name { try AccountDraft.checkName(name, field: "name") }
        let etag = request.etag
        let updated = try await modifyAccount(id, caller: caller, etag: etag, now: now) { db, account in
            if let newEmail, newEmail != account.email {
                let changesKey = EmailAddress.key(newEmail) != account.emailKey
                if changesKey {
                    guard try AccountStore.find(emailKey: EmailAddress.key(newEmail), db) == nil else {
                        throw RPCError(code: .alreadyExists, message: "email: an account with this e-mail already exists")
                    }
                    account.emailVerified = false
                    try AuthNotifications.appendAlert(
                        accountID: account.id, title: "Your login e-mail was changed",
                        body: "The e-mail you log in with was changed. If it was not you, contact your administrator.", now: now, db)
                }
                account.email = newEmail
            }
            if let name = request.name { account.setName(name) }
        }
        return updated.proto(at: now)
    }

    package func deleteAccount(request: Clinic_Auth_V1_DeleteAccountRequest, context: ServerContext) async throws -> Clinic_Auth_V1_Account {
        let caller = try context.requirePrincipal()
        let id = try resolve(request.accountId, caller: caller)
        let now = configuration.now()
        let deleted = try await modifyAccount(id, caller: caller, etag: request.etag, now: now) { db, account in
            guard account.status != .disabled else { return }
            if account.roles.contains(.superAdmin), try AccountStore.activeSuperAdminCount(excluding: account.id, db) == 0 {
                throw RPCError(code: .failedPrecondition, message: "the last super admin cannot be deleted")
            }
            account.statusBeforeDelete = account.status
            account.status = .disabled
            account.deletedAt = now
            try SessionStore.revokeAll(accountID: account.id, reason: "account deleted", now: now, db)
            try ResetTokenStore.invalidateAll(accountID: account.id, now: now, db)
        }
        context.logger.info("account deleted", metadata: ["auth.account": "\(id)", "auth.by": "\(caller)"])
        return deleted.proto(at: now)
    }

    package func undeleteAccount(request: Clinic_Auth_V1_UndeleteAccountRequest, context: ServerContext) async throws -> Clinic_Auth_V1_Account {
        let caller = try context.requirePrincipal()
        let id = try resolve(request.accountId, caller: caller)
        let now = configuration.now()
        let restored = try await modifyAccount(id, caller: caller, etag: "", now: now) { _, account in
            guard account.status == .disabled else {
                throw RPCError(code: .failedPrecondition, message: "the account is not deleted")
            }
            account.status = account.statusBeforeDelete ?? (account.passwordHash == nil ? .pending : .active)
            account.statusBeforeDelete = nil
            account.deletedAt = nil
        }
        return restored.proto(at: now)
    }

    package func setAccountRoles(request: Clinic_Auth_V1_SetAccountRolesRequest, context: ServerContext) async throws -> Clinic_Auth_V1_Account {
        let caller = try context.requirePrincipal()
        let id = try resolve(request.accountId, caller: caller)
        let roles = try AccountRules.roles(from: request.roles, field: "roles")
        let now = configuration.now()
        let updated = try await modifyAccount(id, caller: caller, etag: request.etag, now: now) { _, account in
            try AccountRules.checkRoleChange(caller, account, to: roles)
            account.roles = roles
        }
        context.logger.info("account roles set", metadata: ["auth.account": "\(id)", "auth.roles": "\(updated.rolesColumn)", "auth.by": "\(caller)"])
        return updated.proto(at: now)
    }

    package func listAccounts(request: Clinic_Auth_V1_ListAccountsRequest, context: ServerContext) async throws -> Clinic_Auth_V1_ListAccountsResponse {
        let caller = try context.requirePrincipal()
        let now = configuration.now()
        var query = try AccountListing.query(for: request, caller: caller)
        let limit = query.limit
        query.limit += 1  // One more tells whether there is a next page.
        let fetched = try await database.read("the accounts") { [query] db in try AccountStore.list(query, now: now, db) }
        var response = Clinic_Auth_V1_ListAccountsResponse()
        let page = fetched.prefix(limit)
        response.accounts = page.map { $0.proto(at: now) }
        if fetched.count > limit, let last = page.last {
            response.nextPageToken = AccountListing.pageToken(
                after: AccountListQuery.Cursor(emailKey: last.emailKey, id: last.id), request: request)
        }
        return response
    }

    // MARK: Shared steps

    /// Inserts a new account from `draft` (hashing its password first), with `extra` run in the
    /// same transaction; a duplicate e-mail is `already_exists`.
    func insertAccount(
        _ draft: AccountDraft, clinicID: String?, now: Date,
        extra: @escaping @Sendable (Connection, AccountRecord) throws -> Void = { _, _ in }
    ) async throws -> AccountRecord {
        var hash: String?
        if let password = draft.password { hash = try await hashPassword(password) }
        var record = AccountRecord(
            id: try SecretToken.id(prefix: "acc"), email: draft.email, roles: draft.roles, clinicID: clinicID,
            status: hash == nil ? .pending : .active, createdAt: now)
        record.setName(draft.name)
        record.passwordHash = hash
        let invitation = hash == nil ? try SecretToken.make(kind: "pr") : nil
        let (lifetime, baseURL) = (configuration.invitationLifetime, configuration.publicBaseURL)
        let account = record
        return try await database.write("the account") { db in
            guard try AccountStore.find(emailKey: account.emailKey, db) == nil else {
                throw RPCError(code: .alreadyExists, message: "account.email: an account with this e-mail already exists")
            }
            guard try !ClinicAccessStore.isDisabled(account.clinicID, db) else {
                throw RPCError(code: .failedPrecondition, message: "account.clinic_id: the clinic is deleted")
            }
            try AccountStore.insert(account, db)
            if let invitation {
                try ResetTokenStore.insert(
                    ResetTokenRecord(
                        tokenHash: SecretToken.hash(invitation.value), accountID: account.id, purpose: .invitation,
                        createdAt: now, expiresAt: now.addingTimeInterval(TimeInterval(lifetime.components.seconds))),
                    db)
                let message = AuthNotifications.link(
                    purpose: .invitation, accountID: account.id, token: invitation, baseURL: baseURL, validFor: lifetime)
                try AuthOutboxStore.append(kind: message.kind, accountID: account.id, notification: message.notification, now: now, db)
            }
            try extra(db, account)
            return account
        }
    }

    /// Loads account `id` in a write transaction, checks the caller manages it (else `not_found`)
    /// and the etag (else `aborted`), applies `change`, and stores it with a new version.
    func modifyAccount(
        _ id: String, caller: Principal, etag: String, now: Date,
        _ change: @escaping @Sendable (Connection, inout AccountRecord) throws -> Void
    ) async throws -> AccountRecord {
        try await database.write("the account") { db in
            guard var account = try AccountStore.find(id: id, db), AccountRules.canManage(caller, account) else {
                throw RPCError.accountNotFound
            }
            guard etag.isEmpty || etag == account.etag else { throw RPCError.staleEtag }
            let before = account
            try change(db, &account)
            guard account != before else { return account }
            account.updatedAt = now
            account.version += 1
            try AccountStore.update(account, db)
            return account
        }
    }

    private func earlierCreation(caller: String, requestID: String, now: Date) async throws -> AccountRecord? {
        let since = now.addingTimeInterval(-24 * 3600)
        return try await database.read("the account") { db in
            guard let id = try AccountStore.createdAccount(caller: caller, requestID: requestID, since: since, db) else { return nil }
            return try AccountStore.find(id: id, db)
        }
    }
}

/// A new account as a request describes it, with its fields checked.
struct AccountDraft: Sendable {
    var email: String
    var name: Clinic_Common_V1_PersonName
    var roles: Set<Role>
    var requestedClinicID: String
    /// The normalized initial password; nil for an invitation.
    var password: Redacted<String>?

    /// Checks the semantic rules the generated `validate()` cannot express.
    init(_ account: Clinic_Auth_V1_Account, password: String, policy: PasswordPolicy, field: String = "account") throws(RPCError) {
        email = account.email.trimmingCharacters(in: .whitespaces)
        guard !email.isEmpty else { throw AccountRules.invalid("\(field).email", "is required") }
        guard let name = account.name else { throw AccountRules.invalid("\(field).name", "is required") }
        try Self.checkName(name, field: "\(field).name")
        self.name = name
        roles = try AccountRules.roles(from: account.roles, field: "\(field).roles")
        requestedClinicID = account.clinicId
        let normalized = PasswordPolicy.normalize(password)
        if normalized.isEmpty {
            self.password = nil
        } else {
            try policy.check(normalized, field: "initial_password", email: email)
            self.password = Redacted(normalized)
        }
    }

    /// A name needs a given or a family name.
    static func checkName(_ name: Clinic_Common_V1_PersonName, field: String) throws(RPCError) {
        let given = name.givenName.trimmingCharacters(in: .whitespaces)
        let family = name.familyName.trimmingCharacters(in: .whitespaces)
        guard !given.isEmpty || !family.isEmpty else {
            throw AccountRules.invalid(field, "a given name or a family name is required")
        }
    }
}

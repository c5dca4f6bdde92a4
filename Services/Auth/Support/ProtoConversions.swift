import ClinicAPI
import Foundation
import Platform
import WellKnownTypes

extension AccountRecord {
    /// The name as the API shows it.
    var name: Clinic_Common_V1_PersonName {
        var name = Clinic_Common_V1_PersonName()
        name.givenName = givenName
        name.familyName = familyName
        name.prefix = namePrefix
        name.displayName = name.formatted
        return name
    }

    /// Takes the editable parts of `name` (the display name is computed).
    mutating func setName(_ name: Clinic_Common_V1_PersonName) {
        givenName = name.givenName
        familyName = name.familyName
        namePrefix = name.prefix
    }

    /// The API state at `now` (a temporary lock shows as LOCKED).
    func state(at now: Date) -> Clinic_Auth_V1_AccountState {
        switch status {
        case .disabled: .disabled
        case .pending: .pendingActivation
        case .active: throttle.isLocked(at: now) ? .locked : .active
        }
    }

    /// The account as the API returns it.
    func proto(at now: Date) -> Clinic_Auth_V1_Account {
        var account = Clinic_Auth_V1_Account()
        account.id = id
        account.email = email
        account.name = name
        account.roles = roles.sorted().map(\.proto)
        account.clinicId = clinicID ?? ""
        account.state = state(at: now)
        account.emailVerified = emailVerified
        if let lockedUntil = throttle.lockedUntil, now < lockedUntil {
            account.lockedUntilTime = Google_Protobuf_Timestamp(date: lockedUntil)
        }
        account.createTime = Google_Protobuf_Timestamp(date: createdAt)
        account.updateTime = Google_Protobuf_Timestamp(date: updatedAt)
        account.deleteTime = deletedAt.map { Google_Protobuf_Timestamp(date: $0) }
        account.lastLoginTime = lastLoginAt.map { Google_Protobuf_Timestamp(date: $0) }
        account.etag = etag
        return account
    }

    /// The profile as `view` allows.
    func profile(view: Clinic_Auth_V1_ProfileView) -> Clinic_Auth_V1_Profile {
        var profile = Clinic_Auth_V1_Profile()
        profile.accountId = id
        profile.name = name
        profile.roles = roles.sorted().map(\.proto)
        profile.clinicId = clinicID ?? ""
        profile.view = view
        if view == .full {
            var contact = Clinic_Common_V1_ContactInfo()
            contact.email = email
            contact.phone = phone
            contact.languageCode = languageCode
            profile.contact = contact
            profile.timeZone = timeZone
        }
        return profile
    }
}

import Foundation

/// Login e-mails: stored as given, compared by their key (trimmed, lower-cased). The generated
/// `validate()` has already checked the format.
enum EmailAddress {
    /// The unique key of an e-mail address.
    static func key(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The part before the `@`, lower-cased (for the password policy).
    static func localPart(_ email: String) -> String {
        String(key(email).prefix { $0 != "@" })
    }
}

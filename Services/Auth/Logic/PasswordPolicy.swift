import Foundation
import ProtoRuntime
import RPCCore

/// What makes a password acceptable (NIST SP 800-63B §5.1.1.2): long enough, not absurdly long,
/// not a commonly used password or an obvious variation of one, not built from the e-mail.
/// No composition rules (they make passwords weaker, not stronger).
struct PasswordPolicy: Sendable {
    var minimumLength = 12
    var maximumLength = 256

    /// The form passwords are hashed and compared in: Unicode NFC, so the same password typed on
    /// two keyboards that compose accents differently is the same password.
    static func normalize(_ password: String) -> String {
        password.precomposedStringWithCanonicalMapping
    }

    /// Checks a new password (already normalized); `field` names it in the `invalid_argument` answer.
    func check(_ password: String, field: String, email: String?) throws(RPCError) {
        let length = password.unicodeScalars.count
        guard length > 0 else { throw Self.invalid(field, "is required") }
        guard length >= minimumLength else { throw Self.invalid(field, "must be at least \(minimumLength) characters") }
        guard length <= maximumLength else { throw Self.invalid(field, "must be at most \(maximumLength) characters") }
        let folded = password.lowercased()
        guard Set(folded).count >= 4 else { throw Self.invalid(field, "is too simple: use more different characters") }
        guard !Self.isSequence(folded) else { throw Self.invalid(field, "is too simple: it is a sequence") }
        guard !Self.isCommon(folded) else { throw Self.invalid(field, "is a commonly used password") }
        if let email {
            let local = EmailAddress.localPart(email)
            if local.count >= 4, folded.contains(local) {
                throw Self.invalid(field, "must not contain the e-mail address")
            }
        }
    }

    private static func invalid(_ field: String, _ reason: String) -> RPCError {
        RPCError(invalidArgument: ValidationError(fieldPath: field, reason: reason))
    }

    /// Runs like `abcdefghijkl` or `987654321098` (each character one more or one less than the last).
    static func isSequence(_ text: String) -> Bool {
        let scalars = text.unicodeScalars.map(\.value)
        guard scalars.count > 2 else { return false }
        let steps = zip(scalars.dropFirst(), scalars).map { Int64($0) - Int64($1) }
        return steps.allSatisfy { $0 == 1 || $0 == -9 } || steps.allSatisfy { $0 == -1 || $0 == 9 }
    }

    /// A listed password, or a listed word (maybe with digits for letters, maybe repeated) padded
    /// with digits and symbols: `password2024!!`, `P@ssw0rd123456`, `clinicclinic12`.
    static func isCommon(_ folded: String) -> Bool {
        if commonPasswords.contains(folded) { return true }
        let padded = folded.trimmingCharacters(in: CharacterSet.letters.inverted)
        let core = String(padded.map { leet[$0] ?? $0 })
        guard !core.isEmpty else { return false }
        return commonWords.contains { word in
            core.count % word.count == 0 && String(repeating: word, count: core.count / word.count) == core
        }
    }

    private static let leet: [Character: Character] = ["0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"]

    /// Words that, padded with digits or symbols, make most "long" common passwords.
    private static let commonWords: Set<String> = [
        "password", "passw0rd", "qwerty", "qwertyuiop", "azerty", "letmein", "welcome", "admin", "administrator",
        "iloveyou", "changeme", "clinic", "doctor", "patient", "hospital", "monkey", "dragon", "football",
        "baseball", "sunshine", "princess", "trustnoone", "superman", "master", "secret", "login", "abc", "test",
        "hello", "freedom", "whatever", "shadow", "michael", "jennifer", "charlie", "summer", "winter", "spring",
        "autumn", "default", "root", "user", "guest", "motdepasse", "contrasena", "passwort",
    ]

    /// Frequent passwords of 12 characters or more from public breach lists.
    private static let commonPasswords: Set<String> = [
        "123456789012", "1234567890123", "12345678901234", "123123123123", "111111111111", "000000000000",
        "qwertyuiopasdf", "qwerty123456", "1q2w3e4r5t6y", "1qaz2wsx3edc", "zaq12wsxcde3", "qazwsxedcrfv",
        "passwordpassword", "password1234", "password12345", "password123456", "iloveyou1234", "abcd1234abcd",
        "asdfghjkl123", "asdfasdfasdf", "qwerqwerqwer", "letmeinletmein", "welcome12345", "1234qwerasdf",
        "changemenow!", "correcthorsebatterystaple", "trustno1trustno1", "princess1234", "football1234",
    ]
}

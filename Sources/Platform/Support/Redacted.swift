/// A value that must never reach a log, an error message or a `description`: passwords, tokens,
/// reset links, and anything about a patient.
///
/// The logging convention (docs/AUTH.md): log ids (account, session, request, tenant) and codes,
/// never secrets or personal data. Wrapping a secret in `Redacted` makes a careless
/// `"\(value)"` print `<redacted>` instead of the secret.
package struct Redacted<Value: Sendable>: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself; read it only where it is used.
    package let value: Value

    /// Wraps `value`.
    package init(_ value: Value) { self.value = value }

    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
}

/// The id of a tenant (a clinic), checked to be a safe file-name component: 1 to 64 characters
/// from `A-Z a-z 0-9 _ -`. No dots or slashes, so it can never name a path outside its directory.
package struct TenantID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The validated id.
    package let rawValue: String

    /// Validates `rawValue`; anything else is an `invalidIdentifier` error.
    package init(_ rawValue: String) throws {
        try Self.validate(rawValue, what: "tenant id")
        self.rawValue = rawValue
    }

    package var description: String { rawValue }

    package static func < (lhs: TenantID, rhs: TenantID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Checks that `text` is 1 to 64 characters of `[A-Za-z0-9_-]`; `what` names it in the error.
    static func validate(_ text: String, what: String) throws {
        let utf8 = text.utf8
        guard (1...64).contains(utf8.count), utf8.allSatisfy(isAllowed) else {
            // The offending text is not echoed: it came from outside and may be anything.
            throw StorageError(.invalidIdentifier, "\(what) must be 1 to 64 characters of A-Z, a-z, 0-9, _ or -")
        }
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

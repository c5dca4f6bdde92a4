import Foundation
import Synchronization

/// String formats that generated validation checks (`clinic.options.v1.Format`).
public enum FieldFormat: Sendable {
    case email, id, uuid, phoneE164, timeZone, currency, country, date, uri, language, mediaType

    /// Whether `value` is well-formed for this format. Empty strings are left to `required`.
    public func accepts(_ value: String) -> Bool {
        if value.isEmpty { return true }
        let utf8 = Array(value.utf8)
        switch self {
        case .email: return Self.isEmail(utf8)
        case .id:
            return utf8.count <= 64 && utf8.allSatisfy { Self.isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
        case .uuid: return UUID(uuidString: value) != nil
        case .phoneE164:
            return utf8.first == UInt8(ascii: "+") && (9...16).contains(utf8.count)
                && utf8.dropFirst().allSatisfy(Self.isDigit) && utf8[1] != UInt8(ascii: "0")
        case .timeZone: return TimeZone(identifier: value) != nil && value.contains("/") || value == "UTC"
        case .currency: return utf8.count == 3 && utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
        case .country: return utf8.count == 2 && utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
        case .date: return Self.isDate(utf8)
        case .uri:
            guard let url = URL(string: value), let scheme = url.scheme?.lowercased() else { return false }
            return (scheme == "https" || scheme == "http") && url.host != nil
        case .language:
            let parts = value.split(separator: "-", omittingEmptySubsequences: false)
            return parts.allSatisfy { (1...8).contains($0.count) && $0.utf8.allSatisfy(Self.isAlnum) }
                && parts[0].utf8.allSatisfy { Self.isAlpha($0) } && (2...3).contains(parts[0].count)
        case .mediaType:
            let parts = value.split(separator: "/", omittingEmptySubsequences: false)
            let token: (Substring) -> Bool = {
                !$0.isEmpty && $0.utf8.allSatisfy { Self.isAlnum($0) || "!#$&^_.+-".utf8.contains($0) }
            }
            // Empty pieces kept, so "text/" and "text/;x" have an (empty, refused) subtype to look at.
            return parts.count == 2 && token(parts[0])
                && token(parts[1].split(separator: ";", omittingEmptySubsequences: false)[0])
        }
    }

    /// The length rules count in Unicode scalars, as people count characters in most scripts.
    public static func length(of value: String) -> Int { value.unicodeScalars.count }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    private static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= 97 && (byte | 0x20) <= 122 }
    private static func isAlnum(_ byte: UInt8) -> Bool { isDigit(byte) || isAlpha(byte) }

    private static func isEmail(_ utf8: [UInt8]) -> Bool {
        guard utf8.count <= 254, let at = utf8.lastIndex(of: UInt8(ascii: "@")), at > 0, at < utf8.count - 3 else {
            return false
        }
        let local = utf8[..<at], domain = utf8[(at + 1)...]
        let localOK = local.count <= 64
            && local.allSatisfy { isAlnum($0) || ".!#$%&'*+/=?^_`{|}~-".utf8.contains($0) || $0 >= 0x80 }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let domainOK = labels.count >= 2 && labels.allSatisfy {
            !$0.isEmpty && $0.count <= 63 && $0.first != UInt8(ascii: "-") && $0.last != UInt8(ascii: "-")
                && $0.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 >= 0x80 }
        }
        return localOK && domainOK
    }

    private static func isDate(_ utf8: [UInt8]) -> Bool {
        guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-") else { return false }
        let digits = utf8.enumerated().filter { $0.offset != 4 && $0.offset != 7 }.map(\.element)
        guard digits.allSatisfy(isDigit) else { return false }
        let number: (ArraySlice<UInt8>) -> Int = { $0.reduce(0) { $0 * 10 + Int($1 - 48) } }
        let year = number(utf8[0..<4]), month = number(utf8[5..<7]), day = number(utf8[8..<10])
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }
}

extension FieldFormat {
    private static let patterns = Mutex<[String: NSRegularExpression]>([:])

    /// Whether the whole of `value` matches the regular expression `pattern` (compiled once).
    public static func matches(_ value: String, pattern: String) -> Bool {
        let expression: NSRegularExpression? = patterns.withLock { cache in
            if let cached = cache[pattern] { return cached }
            let compiled = try? NSRegularExpression(pattern: "^(?:\(pattern))$")
            cache[pattern] = compiled
            return compiled
        }
        guard let expression else { return false }
        let range = NSRange(value.startIndex..., in: value)
        return expression.firstMatch(in: value, range: range) != nil
    }
}

/// The request target of an HTTP request (`/v1/patients/p1:archive?x=1`) split into decoded path
/// segments, custom verb and query parameters.
struct RequestTarget: Sendable {
    /// The path as sent, without the query (for logs and 404 messages).
    let rawPath: String
    /// Percent-decoded segments after the leading `/`, the verb removed from the last one.
    let segments: [String]
    /// The text after the last `:` of the last segment (ids never contain `:`).
    let verb: String?
    /// Percent-decoded `name=value` pairs, in order (`+` is a space, as forms send it).
    let query: [(name: String, value: String)]

    /// Parses `uri`; nil when it is not an origin-form target or its escapes are not UTF-8.
    init?(_ uri: String) {
        let path: Substring
        let queryText: Substring?
        if let mark = uri.firstIndex(of: "?") {
            path = uri[..<mark]
            queryText = uri[uri.index(after: mark)...]
        } else {
            path = Substring(uri)
            queryText = nil
        }
        guard path.hasPrefix("/") else { return nil }
        rawPath = String(path)
        var rawSegments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        var verb: String?
        if let last = rawSegments.last, let colon = last.lastIndex(of: ":") {
            guard let decoded = Self.percentDecoded(last[last.index(after: colon)...], plusIsSpace: false) else { return nil }
            verb = decoded
            rawSegments[rawSegments.count - 1] = last[..<colon]
        }
        var segments: [String] = []
        segments.reserveCapacity(rawSegments.count)
        for raw in rawSegments {
            guard let decoded = Self.percentDecoded(raw, plusIsSpace: false) else { return nil }
            segments.append(decoded)
        }
        self.segments = segments
        self.verb = verb
        var query: [(name: String, value: String)] = []
        for pair in (queryText ?? "").split(separator: "&") where !pair.isEmpty {
            let name: Substring, value: Substring
            if let equals = pair.firstIndex(of: "=") {
                name = pair[..<equals]
                value = pair[pair.index(after: equals)...]
            } else {
                name = pair
                value = ""
            }
            guard let decodedName = Self.percentDecoded(name, plusIsSpace: true),
                let decodedValue = Self.percentDecoded(value, plusIsSpace: true)
            else { return nil }
            query.append((decodedName, decodedValue))
        }
        self.query = query
    }

    /// `text` with `%XX` escapes decoded; nil for a broken escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring, plusIsSpace: Bool) -> String? {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let high = utf8.index(after: index)
                guard high != utf8.endIndex else { return nil }
                let low = utf8.index(after: high)
                guard low != utf8.endIndex, let h = hexValue(utf8[high]), let l = hexValue(utf8[low]) else { return nil }
                bytes.append(h << 4 | l)
                index = utf8.index(after: low)
            } else {
                bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? 0x20 : byte)
                index = utf8.index(after: index)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}

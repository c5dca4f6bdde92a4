/// Call metadata: ordered key/value pairs, text or binary, sent with a call or its response.
///
/// Keys are case-insensitive (stored lower-cased); a key may repeat.
public struct Metadata: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// A text or binary value.
    public enum Content: Sendable, Hashable {
        case text(String)
        case binary([UInt8])
    }

    /// One entry.
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: Content
    }

    private var entries: [Entry] = []

    public init() {}


    public init(dictionaryLiteral elements: (String, String)...) {
        for (key, value) in elements { add(key, value) }
    }

    /// Appends a text value.
    public mutating func add(_ key: String, _ value: String) {
        entries.append(Entry(key: Self.normalized(key), value: .text(value)))
    }

    /// Appends a binary value.
    public mutating func add(_ key: String, binary value: [UInt8]) {
        entries.append(Entry(key: Self.normalized(key), value: .binary(value)))
    }

    /// Replaces every value of `key` with one text value.
    public mutating func replace(_ key: String, _ value: String) {
        remove(key)
        add(key, value)
    }

    /// Appends an entry (e.g. one read from another `Metadata`).
    public mutating func append(_ entry: Entry) {
        entries.append(Entry(key: Self.normalized(entry.key), value: entry.value))
    }

    /// Removes every value of `key`.
    public mutating func remove(_ key: String) {
        let key = Self.normalized(key)
        entries.removeAll { $0.key == key }
    }

    /// The first text value of `key`.
    public subscript(_ key: String) -> String? {
        let key = Self.normalized(key)
        for entry in entries where entry.key == key {
            if case .text(let text) = entry.value { return text }
        }
        return nil
    }

    /// Every value of `key`, in order.
    public func values(of key: String) -> [Content] {
        let key = Self.normalized(key)
        return entries.filter { $0.key == key }.map(\.value)
    }

    /// Keys are case-insensitive and kept in lower case. Keys are nearly always written in lower
    /// case already, which a scan finds without building a new string.
    private static func normalized(_ key: String) -> String {
        key.utf8.contains(where: { (0x41...0x5A).contains($0) || $0 >= 0x80 }) ? key.lowercased() : key
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}

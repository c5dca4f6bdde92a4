/// One SQLite value, as stored in a column or bound to a `?` parameter.
package enum SQLValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// A 64-bit signed integer (also how booleans and dates are stored).
    case integer(Int64)
    /// A 64-bit IEEE float; NaN is refused on binding because SQLite would store it as NULL.
    case real(Double)
    /// UTF-8 text; may contain NUL characters.
    case text(String)
    /// Raw bytes; may contain NUL bytes.
    case blob([UInt8])

    /// Whether the value is SQL NULL.
    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The SQLite storage class name, for error messages that must not show the value itself.
    package var storageClass: String {
        switch self {
        case .null: return "NULL"
        case .integer: return "INTEGER"
        case .real: return "REAL"
        case .text: return "TEXT"
        case .blob: return "BLOB"
        }
    }
}

/// A Swift value that can be bound to a statement parameter.
package protocol SQLBindable: Sendable {
    /// The value to bind; throws `invalidValue` for values SQLite cannot hold faithfully.
    var sqlValue: SQLValue { get throws }
}

/// A Swift value that can be read from a column.
package protocol SQLDecodable {
    /// The Swift value for `value`, or nil when the column's type or range does not fit.
    static func decode(from value: SQLValue) -> Self?
}

/// A type that can be both bound and read.
package typealias SQLValueConvertible = SQLBindable & SQLDecodable

extension SQLValue: SQLBindable, SQLDecodable {
    package var sqlValue: SQLValue { self }
    package static func decode(from value: SQLValue) -> SQLValue? { value }
}

extension Int64: SQLBindable, SQLDecodable {
    package var sqlValue: SQLValue { .integer(self) }
    package static func decode(from value: SQLValue) -> Int64? {
        if case .integer(let int) = value { return int }
        return nil
    }
}

extension Int: SQLBindable, SQLDecodable {
    package var sqlValue: SQLValue { .integer(Int64(self)) }
    package static func decode(from value: SQLValue) -> Int? {
        if case .integer(let int) = value { return Int(exactly: int) }
        return nil
    }
}

extension Int32: SQLBindable, SQLDecodable {
    package var sqlValue: SQLValue { .integer(Int64(self)) }
    package static func decode(from value: SQLValue) -> Int32? {
        if case .integer(let int) = value { return Int32(exactly: int) }
        return nil
    }
}

extension Double: SQLBindable, SQLDecodable {
    package var sqlValue: SQLValue {
        get throws {
            // sqlite3_bind_double stores NaN as NULL; refuse rather than lose the value silently.
            guard !isNaN else { throw StorageError(.invalidValue, "NaN cannot be stored") }
            return .real(self)
        }
    }

    package static func decode(from value: SQLValue) -> Double? {
        switch value {
        case .real(let double): return double
        // Aggregates such as sum() over a REAL column return INTEGER when every input is integral.
        case .integer(let int): return Double(int)
        default: return nil
        }
    }
}

extension Bool: SQLBindable, SQLDecodable {
    package var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    package static func decode(from value: SQLValue) -> Bool? {
        switch value {
        case .integer(0): return false
        case .integer(1): return true
        default: return nil
        }
    }
}

extension String: SQLBindable, SQLDecodable {
    package var sqlValue: SQLValue { .text(self) }
    package static func decode(from value: SQLValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }
}

extension Array: SQLBindable where Element == UInt8 {
    package var sqlValue: SQLValue { .blob(self) }
}

extension Array: SQLDecodable where Element == UInt8 {
    package static func decode(from value: SQLValue) -> [UInt8]? {
        if case .blob(let bytes) = value { return bytes }
        return nil
    }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    package var sqlValue: SQLValue {
        get throws {
            switch self {
            case .none: return .null
            case .some(let wrapped): return try wrapped.sqlValue
            }
        }
    }
}

extension Optional: SQLDecodable where Wrapped: SQLDecodable {
    package static func decode(from value: SQLValue) -> Wrapped?? {
        if value.isNull { return .some(nil) }
        return Wrapped.decode(from: value).map { .some($0) }
    }
}

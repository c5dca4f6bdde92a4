package import Foundation

// Dates are stored as INTEGER milliseconds since 1970-01-01T00:00:00Z: they sort and compare
// correctly in SQL, index compactly, and need no parsing. Sub-millisecond precision is rounded away
// (to the nearest millisecond, so a millisecond-exact Date survives the Double round trip).
extension Date: SQLBindable, SQLDecodable {
    package var sqlValue: SQLValue {
        get throws {
            let milliseconds = (timeIntervalSince1970 * 1000).rounded()
            guard let exact = Int64(exactly: milliseconds) else {
                throw StorageError(.invalidValue, "date is out of the storable range")
            }
            return .integer(exact)
        }
    }

    package static func decode(from value: SQLValue) -> Date? {
        guard case .integer(let milliseconds) = value else { return nil }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

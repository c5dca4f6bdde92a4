/// One result row, copied out of SQLite, with typed access by column name or index.
///
/// ```swift
/// let name: String = try row.get("name")
/// let birth: Date? = try row.get("birth_date")
/// ```
package struct Row: Sendable {
    private let columns: ColumnNames
    /// The values, in select-list order.
    package let values: [SQLValue]

    init(columns: ColumnNames, values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The column names, in select-list order.
    package var columnNames: [String] { columns.names }

    /// The number of columns.
    package var count: Int { values.count }

    /// The raw value at `index`, or a `columnNotFound` error when out of range.
    package func value(at index: Int) throws -> SQLValue {
        guard values.indices.contains(index) else {
            throw StorageError(.columnNotFound, "no column at index \(index) (row has \(values.count))")
        }
        return values[index]
    }

    /// The raw value of the column named `name` (case-insensitive, like SQL).
    package func value(named name: String) throws -> SQLValue {
        guard let index = columns.index(of: name) else {
            throw StorageError(.columnNotFound, "no column named '\(name)'")
        }
        return values[index]
    }

    /// The column named `name` as a `T`; a NULL or a value of another type is a `typeMismatch`
    /// unless `T` is optional.
    package func get<T: SQLDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try decode(value(named: name), as: type, column: "'\(name)'")
    }

    /// The column at `index` as a `T`.
    package func get<T: SQLDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try decode(value(at: index), as: type, column: "\(index)")
    }

    private func decode<T: SQLDecodable>(_ value: SQLValue, as type: T.Type, column: String) throws -> T {
        guard let decoded = T.decode(from: value) else {
            // Names the stored type, never the value: it may be patient data.
            throw StorageError(.typeMismatch, "column \(column) holds \(value.storageClass), not \(T.self)")
        }
        return decoded
    }
}

/// The column names of one statement, shared by all rows it produced.
final class ColumnNames: Sendable {
    let names: [String]
    private let indexByName: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var indexByName: [String: Int] = [:]
        // The first column of a given name wins, like sqlite3's own name lookup.
        for (index, name) in names.enumerated() where indexByName[name.lowercased()] == nil {
            indexByName[name.lowercased()] = index
        }
        self.indexByName = indexByName
    }

    func index(of name: String) -> Int? {
        indexByName[name.lowercased()]
    }
}

/// Why a storage operation failed.
///
/// A struct with an extensible code rather than a public enum, so new failure kinds can be added
/// without breaking callers. SQLite result codes are mapped to a `Code` once, at the C boundary
/// (`StorageError+SQLite.swift`). The message comes from SQLite or from this layer and never contains
/// bound parameter values: those may be patient data.
package struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case uniqueViolation
            case foreignKeyViolation
            case notNullViolation
            case checkViolation
            case constraint
            case busy
            case corrupt
            case notFound
            case misuse
            case readOnly
            case diskFull
            case ioError
            case cannotOpen
            case tooBig
            case interrupted
            case sqlError
            case invalidValue
            case typeMismatch
            case columnNotFound
            case schemaTooNew
            case schemaMismatch
            case invalidIdentifier
            case closed
            case unknown
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// A UNIQUE or PRIMARY KEY constraint failed: a row with that key already exists.
        package static let uniqueViolation = Code(.uniqueViolation)
        /// A FOREIGN KEY constraint failed: the referenced row does not exist (or is still referenced).
        package static let foreignKeyViolation = Code(.foreignKeyViolation)
        /// A NOT NULL constraint failed.
        package static let notNullViolation = Code(.notNullViolation)
        /// A CHECK constraint failed.
        package static let checkViolation = Code(.checkViolation)
        /// Any other constraint failed (trigger RAISE, rowid, datatype of a STRICT table).
        package static let constraint = Code(.constraint)
        /// The database stayed locked by another connection for longer than the busy timeout.
        package static let busy = Code(.busy)
        /// The file is damaged or is not a database.
        package static let corrupt = Code(.corrupt)
        /// A row that had to exist does not.
        package static let notFound = Code(.notFound)
        /// The API was used wrongly (wrong parameter count, several statements where one is expected).
        package static let misuse = Code(.misuse)
        /// A write was attempted on a read-only connection or file.
        package static let readOnly = Code(.readOnly)
        /// The disk or the database size limit is full.
        package static let diskFull = Code(.diskFull)
        /// The operating system reported an I/O error.
        package static let ioError = Code(.ioError)
        /// The database file could not be opened or created.
        package static let cannotOpen = Code(.cannotOpen)
        /// A string or blob is larger than SQLite's limit.
        package static let tooBig = Code(.tooBig)
        /// The operation was interrupted.
        package static let interrupted = Code(.interrupted)
        /// The SQL is wrong: syntax error, unknown table or column.
        package static let sqlError = Code(.sqlError)
        /// A value cannot be stored (NaN, a date out of range).
        package static let invalidValue = Code(.invalidValue)
        /// A column holds a value of another type than the one asked for.
        package static let typeMismatch = Code(.typeMismatch)
        /// A row has no column with that name or index.
        package static let columnNotFound = Code(.columnNotFound)
        /// The database was migrated by a newer build than this one; it is refused, never downgraded.
        package static let schemaTooNew = Code(.schemaTooNew)
        /// The recorded migrations do not match the ones this build declares.
        package static let schemaMismatch = Code(.schemaMismatch)
        /// A tenant id or service name is not a safe file-name component.
        package static let invalidIdentifier = Code(.invalidIdentifier)
        /// The database or pool has been closed.
        package static let closed = Code(.closed)
        /// A failure with no more specific code.
        package static let unknown = Code(.unknown)

        /// Whether this is one of the constraint-violation codes.
        package var isConstraintViolation: Bool {
            switch value {
            case .uniqueViolation, .foreignKeyViolation, .notNullViolation, .checkViolation, .constraint:
                return true
            default:
                return false
            }
        }

        package var description: String { value.rawValue }
    }

    /// The kind of failure.
    package var code: Code
    /// What failed, for people (SQLite's message or ours); never contains bound values.
    package var message: String
    /// SQLite's extended result code, when the failure came from SQLite.
    package var sqliteCode: Int32?
    /// The SQL text that failed, when there is one. It holds `?` placeholders, not the bound values.
    package var sql: String?

    /// Makes an error; `sqliteCode` and `sql` are for diagnostics.
    package init(_ code: Code, _ message: String, sqliteCode: Int32? = nil, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sqliteCode = sqliteCode
        self.sql = sql
    }

    package var description: String {
        var text = "\(code): \(message)"
        if let sqliteCode { text += " (sqlite \(sqliteCode))" }
        if let sql { text += " in `\(sql)`" }
        return text
    }
}

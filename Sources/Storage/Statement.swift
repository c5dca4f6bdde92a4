internal import CSQLite

// SQLITE_TRANSIENT makes SQLite copy bound text and blobs: the Swift buffers only live for the call.
private let transient = csqlite_transient()

/// A prepared statement; owns its `sqlite3_stmt*` and finalizes it in `deinit`.
///
/// Only a `Connection` creates and uses statements, on the thread that currently holds that
/// connection, so the type is deliberately not Sendable.
final class Statement {
    let sql: String
    private let handle: OpaquePointer
    private let database: OpaquePointer
    private let parameterCount: Int
    private(set) lazy var columns: ColumnNames = ColumnNames(
        (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
    )

    /// Compiles one statement; SQL holding several statements is a `misuse` error.
    init(database: OpaquePointer, sql: String) throws {
        var handle: OpaquePointer?
        var extra = false
        let code = sql.withCString { text -> Int32 in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(database, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, &tail)
            if code == SQLITE_OK, let tail {
                extra = Statement.holdsStatement(database: database, tail)
            }
            return code
        }
        guard code == SQLITE_OK else {
            sqlite3_finalize(handle)
            throw StorageError(resultCode: code, handle: database, sql: sql)
        }
        guard let handle else {
            // Only whitespace or comments: nothing to run.
            throw StorageError(.misuse, "no SQL statement to run", sql: sql)
        }
        guard !extra else {
            sqlite3_finalize(handle)
            throw StorageError(.misuse, "several statements in one call; use executeScript", sql: sql)
        }
        self.sql = sql
        self.handle = handle
        self.database = database
        self.parameterCount = Int(sqlite3_bind_parameter_count(handle))
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `values` to the `?` parameters in order; the count must match exactly.
    func bind(_ values: [any SQLBindable]) throws {
        guard values.count == parameterCount else {
            throw StorageError(
                .misuse, "statement has \(parameterCount) parameters, \(values.count) values given", sql: sql)
        }
        for (offset, bindable) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch try bindable.sqlValue {
            case .null:
                code = sqlite3_bind_null(handle, index)
            case .integer(let int):
                code = sqlite3_bind_int64(handle, index, int)
            case .real(let double):
                code = sqlite3_bind_double(handle, index, double)
            case .text(var text):
                code = text.withUTF8 { bytes in
                    // An explicit length keeps embedded NUL characters. A nil pointer would bind
                    // NULL, so the empty string goes through withCString, which always has one.
                    guard let base = bytes.baseAddress, bytes.count > 0 else {
                        return "".withCString { sqlite3_bind_text64(handle, index, $0, 0, transient, UInt8(SQLITE_UTF8)) }
                    }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text64(handle, index, $0, UInt64(bytes.count), transient, UInt8(SQLITE_UTF8))
                    }
                }
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { raw in
                    // A nil pointer would bind NULL, so an empty blob is bound as a zero-length blob.
                    guard let base = raw.baseAddress, raw.count > 0 else {
                        return sqlite3_bind_zeroblob(handle, index, 0)
                    }
                    return sqlite3_bind_blob64(handle, index, base, UInt64(raw.count), transient)
                }
            }
            guard code == SQLITE_OK else { throw StorageError(resultCode: code, handle: database, sql: sql) }
        }
    }

    /// Advances one step: true when a row is available, false when done.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw StorageError(resultCode: code, handle: database, sql: sql)
        }
    }

    /// Copies the current row out of SQLite.
    func currentRow() -> Row {
        let count = sqlite3_column_count(handle)
        var values: [SQLValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            values.append(value(at: column))
        }
        return Row(columns: columns, values: values)
    }

    private func value(at column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            // Per the SQLite docs: fetch the pointer first, then the byte count.
            let text = sqlite3_column_text(handle, column)
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let text, count > 0 else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let blob = sqlite3_column_blob(handle, column)
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let blob, count > 0 else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default:
            return .null
        }
    }

    /// Makes the statement ready for its next use and drops the bound values.
    func reset() {
        // The result repeats the last step's error, which was already reported.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Whether the text after the first statement holds another statement (not just blanks or
    /// comments): compiling it is the only exact test, and happens only when the tail is not blank.
    private static func holdsStatement(database: OpaquePointer, _ tail: UnsafePointer<CChar>) -> Bool {
        var cursor = tail
        while cursor.pointee != 0 {
            switch UInt8(bitPattern: cursor.pointee) {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: ";"):
                cursor += 1
            default:
                var next: OpaquePointer?
                let code = sqlite3_prepare_v2(database, cursor, -1, &next, nil)
                sqlite3_finalize(next)
                return code != SQLITE_OK || next != nil
            }
        }
        return false
    }
}

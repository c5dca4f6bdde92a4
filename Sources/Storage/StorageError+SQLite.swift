internal import CSQLite

// Extended result codes are `(primary | n << 8)` macros that Swift does not import; spelled out here
// from sqlite3.h so the mapping below reads like the documentation.
private let constraintCheck = SQLITE_CONSTRAINT | (1 << 8)
private let constraintForeignKey = SQLITE_CONSTRAINT | (3 << 8)
private let constraintNotNull = SQLITE_CONSTRAINT | (5 << 8)
private let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)
private let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)

extension StorageError.Code {
    /// The one place where an SQLite (extended) result code becomes a storage error code.
    init(sqliteResultCode code: Int32) {
        switch code {
        // A duplicate primary key means the same as a duplicate unique key: the row already exists.
        case constraintUnique, constraintPrimaryKey: self = .uniqueViolation
        case constraintForeignKey: self = .foreignKeyViolation
        case constraintNotNull: self = .notNullViolation
        case constraintCheck: self = .checkViolation
        default:
            switch code & 0xFF {
            case SQLITE_CONSTRAINT: self = .constraint
            case SQLITE_BUSY, SQLITE_LOCKED: self = .busy
            case SQLITE_CORRUPT, SQLITE_NOTADB: self = .corrupt
            case SQLITE_MISUSE, SQLITE_RANGE: self = .misuse
            case SQLITE_READONLY: self = .readOnly
            case SQLITE_FULL: self = .diskFull
            case SQLITE_IOERR: self = .ioError
            case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH: self = .cannotOpen
            case SQLITE_TOOBIG: self = .tooBig
            case SQLITE_INTERRUPT, SQLITE_ABORT: self = .interrupted
            case SQLITE_ERROR, SQLITE_SCHEMA, SQLITE_MISMATCH: self = .sqlError
            case SQLITE_NOTFOUND: self = .notFound
            default: self = .unknown
            }
        }
    }
}

extension StorageError {
    /// Builds the error for a failed call on `handle`, reading SQLite's message on the same thread
    /// right after the call (the connection is never shared, so nothing can overwrite it).
    init(resultCode: Int32, handle: OpaquePointer?, sql: String?) {
        var extended = resultCode
        var message: String
        if let handle {
            extended = sqlite3_extended_errcode(handle)
            // sqlite3_extended_errcode reports the most recent failure; when it is not the one we
            // were given (e.g. the code came from sqlite3_reset), keep the code we were given.
            if extended & 0xFF != resultCode & 0xFF { extended = resultCode }
            message = String(cString: sqlite3_errmsg(handle))
        } else {
            message = String(cString: sqlite3_errstr(resultCode))
        }
        if message.isEmpty { message = String(cString: sqlite3_errstr(extended)) }
        self.init(Code(sqliteResultCode: extended), message, sqliteCode: extended, sql: sql)
    }
}

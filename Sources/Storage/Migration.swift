/// One versioned schema change of a database.
///
/// Versions start at 1 and only grow; a migration, once released, is never edited or renamed
/// (the migrator checks the recorded name), only followed by a new one.
package struct Migration: Sendable {
    /// The schema version this migration brings the database to.
    package let version: Int
    /// A short name, recorded with the version.
    package let name: String
    let apply: @Sendable (Connection) throws -> Void

    /// A migration given as SQL; it may hold several statements.
    package init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.apply = { connection in try connection.executeScript(sql) }
    }

    /// A migration given as code, for changes SQL alone cannot express (backfills computed in Swift).
    package init(version: Int, name: String, apply: @escaping @Sendable (Connection) throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}

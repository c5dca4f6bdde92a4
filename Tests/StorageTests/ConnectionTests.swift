import Foundation
@testable import Storage
import Testing

@Suite("Connection settings, statement cache and transactions")
struct ConnectionTests {
    @Test func writerSettings() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/settings.sqlite")
            #expect(try connection.scalar("PRAGMA journal_mode", as: String.self) == "wal")
            #expect(try connection.scalar("PRAGMA foreign_keys", as: Int.self) == 1)
            #expect(try connection.scalar("PRAGMA synchronous", as: Int.self) == 1)  // NORMAL
            #expect(try connection.scalar("PRAGMA busy_timeout", as: Int.self) == 5000)
        }
    }

    @Test func readerRefusesWrites() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/reader.sqlite"
            let writer = try Connection(path: path)
            try writer.execute("CREATE TABLE t (x)")
            let reader = try Connection(path: path, role: .reader)
            await expectStorageError(.readOnly) { try reader.execute("INSERT INTO t VALUES (1)") }
            #expect(try reader.scalar("SELECT count(*) FROM t", as: Int.self) == 0)
        }
    }

    @Test func statementsAreCachedPerSQLTextWithLRUEviction() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = StorageConfiguration()
            configuration.statementCacheCapacity = 2
            let connection = try Connection(path: directory + "/cache.sqlite", configuration: configuration)
            // Opening ran PRAGMAs through the cache; start from a known point.
            for _ in 0..<3 {
                _ = try connection.query("SELECT 1")
            }
            _ = try connection.query("SELECT 2")
            #expect(connection.cachedStatementCount == 2)
            _ = try connection.query("SELECT 3")
            #expect(connection.cachedStatementCount == 2)
            // An evicted statement is simply prepared again.
            #expect(try connection.scalar("SELECT 1", as: Int.self) == 1)
        }
    }

    @Test func cachedStatementIsResetAfterAFailure() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/reset.sqlite")
            try connection.execute("CREATE TABLE t (x INTEGER UNIQUE)")
            try connection.execute("INSERT INTO t VALUES (?)", [1])
            await expectStorageError(.uniqueViolation) { try connection.execute("INSERT INTO t VALUES (?)", [1]) }
            try connection.execute("INSERT INTO t VALUES (?)", [2])
            #expect(try connection.query("SELECT x FROM t ORDER BY x") { try $0.get(0, as: Int.self) } == [1, 2])
        }
    }

    @Test func transactionCommitsOnReturn() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/tx.sqlite")
            try connection.execute("CREATE TABLE t (x)")
            let id = try connection.transaction { db -> Int64 in
                try db.execute("INSERT INTO t VALUES (1)")
                return db.lastInsertRowID
            }
            #expect(id == 1)
            #expect(!connection.isInTransaction)
            #expect(try connection.scalar("SELECT count(*) FROM t", as: Int.self) == 1)
        }
    }

    @Test func transactionRollsBackOnThrownError() async throws {
        struct Refused: Error {}
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/tx.sqlite")
            try connection.execute("CREATE TABLE t (x)")
            #expect(throws: Refused.self) {
                try connection.transaction { db in
                    try db.execute("INSERT INTO t VALUES (1)")
                    try db.execute("INSERT INTO t VALUES (2)")
                    throw Refused()
                }
            }
            // A failing statement half-way rolls back the statements before it too.
            await expectStorageError(.notNullViolation) {
                try connection.transaction { db in
                    try db.execute("CREATE TABLE u (x NOT NULL)")
                    try db.execute("INSERT INTO t VALUES (3)")
                    try db.execute("INSERT INTO u VALUES (NULL)")
                }
            }
            #expect(!connection.isInTransaction)
            #expect(try connection.scalar("SELECT count(*) FROM t", as: Int.self) == 0)
            #expect(try connection.queryFirst("SELECT 1 FROM sqlite_schema WHERE name = 'u'") == nil)
        }
    }

    @Test func nestedTransactionIsASavepoint() async throws {
        struct Refused: Error {}
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/tx.sqlite")
            try connection.execute("CREATE TABLE t (x)")
            try connection.transaction { db in
                try db.execute("INSERT INTO t VALUES ('outer')")
                try? db.transaction { inner in
                    try inner.execute("INSERT INTO t VALUES ('inner')")
                    throw Refused()
                }
                try db.transaction { inner in try inner.execute("INSERT INTO t VALUES ('kept')") }
            }
            #expect(try connection.query("SELECT x FROM t ORDER BY rowid") { try $0.get(0, as: String.self) } == ["outer", "kept"])
        }
    }

    @Test func executeScriptRunsSeveralStatements() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/script.sqlite")
            try connection.executeScript("CREATE TABLE a (x); CREATE TABLE b (y); INSERT INTO a VALUES (1);")
            #expect(try connection.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) == 2)
            await expectStorageError(.sqlError) { try connection.executeScript("INSERT INTO a VALUES (2); BOGUS;") }
        }
    }

    @Test func closedConnectionFailsCleanly() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/closed.sqlite")
            connection.close()
            connection.close()
            await expectStorageError(.closed) { _ = try connection.query("SELECT 1") }
            #expect(!connection.isInTransaction)
        }
    }
}

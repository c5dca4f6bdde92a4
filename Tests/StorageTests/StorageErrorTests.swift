import Foundation
@testable import Storage
import Testing

@Suite("SQLite result codes map to storage error codes")
struct StorageErrorTests {
    private func makeSchema(_ connection: Connection) throws {
        try connection.executeScript(
            """
            CREATE TABLE clinics (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) > 0));
            CREATE TABLE accounts (
                id INTEGER PRIMARY KEY,
                clinic_id INTEGER NOT NULL REFERENCES clinics(id),
                email TEXT NOT NULL UNIQUE
            );
            INSERT INTO clinics (id, name) VALUES (1, 'North');
            """)
    }

    @Test func uniqueViolationIsDistinguishable() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/errors.sqlite")
            try makeSchema(connection)
            let email = "jane.patient+secret@example.com"
            try connection.execute("INSERT INTO accounts (clinic_id, email) VALUES (1, ?)", [email])
            let error = await expectStorageError(.uniqueViolation) {
                try connection.execute("INSERT INTO accounts (clinic_id, email) VALUES (1, ?)", [email])
            }
            #expect(error?.code.isConstraintViolation == true)
            #expect(error?.message.contains("accounts.email") == true)
            // The bound value (patient data) appears nowhere in the error.
            #expect(error.map { "\($0)".contains(email) } == false)
            #expect(error.map { String(reflecting: $0).contains("jane.patient") } == false)
        }
    }

    @Test func duplicatePrimaryKeyIsAlsoAUniqueViolation() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/errors.sqlite")
            try makeSchema(connection)
            await expectStorageError(.uniqueViolation) {
                try connection.execute("INSERT INTO clinics (id, name) VALUES (1, 'Again')")
            }
        }
    }

    @Test func otherConstraintsHaveTheirOwnCodes() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/errors.sqlite")
            try makeSchema(connection)
            await expectStorageError(.foreignKeyViolation) {
                try connection.execute("INSERT INTO accounts (clinic_id, email) VALUES (99, 'a@b.c')")
            }
            await expectStorageError(.notNullViolation) {
                try connection.execute("INSERT INTO clinics (name) VALUES (?)", [SQLValue.null])
            }
            await expectStorageError(.checkViolation) {
                try connection.execute("INSERT INTO clinics (name) VALUES ('')")
            }
        }
    }

    @Test func sqlAndApiMisuse() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/errors.sqlite")
            try makeSchema(connection)
            await expectStorageError(.sqlError) { _ = try connection.query("SELEC 1") }
            await expectStorageError(.sqlError) { _ = try connection.query("SELECT * FROM nowhere") }
            // Double quotes name identifiers only; a misspelled column is an error, not a string.
            await expectStorageError(.sqlError) { _ = try connection.query("SELECT \"nme\" FROM clinics") }
            await expectStorageError(.misuse) { _ = try connection.query("SELECT ?", []) }
            await expectStorageError(.misuse) { _ = try connection.query("SELECT 1", [1]) }
            await expectStorageError(.misuse) { try connection.execute("DELETE FROM accounts; DELETE FROM clinics") }
            await expectStorageError(.misuse) { try connection.execute("   ") }
            // A trailing comment is not a second statement.
            #expect(try connection.scalar("SELECT 1; -- one", as: Int.self) == 1)
            await expectStorageError(.notFound) { _ = try connection.scalar("SELECT 1 WHERE 0", as: Int.self) }
            #expect(try connection.execute("DELETE FROM clinics WHERE id = 42") == 0)
        }
    }

    @Test func busyWhenAnotherConnectionHoldsTheWriteLock() async throws {
        try await withTemporaryDirectory { directory in
            var impatient = StorageConfiguration()
            impatient.busyTimeout = .zero
            let holder = try Connection(path: directory + "/busy.sqlite")
            let other = try Connection(path: directory + "/busy.sqlite", configuration: impatient)
            try holder.execute("BEGIN IMMEDIATE")
            await expectStorageError(.busy) { try other.execute("BEGIN IMMEDIATE") }
            try holder.execute("COMMIT")
            try other.transaction { _ in }
        }
    }

    @Test func notADatabaseIsCorrupt() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/garbage.sqlite"
            try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
            await expectStorageError(.corrupt) { _ = try Connection(path: path) }
        }
    }

    @Test func missingDirectoryCannotOpen() async throws {
        try await withTemporaryDirectory { directory in
            await expectStorageError(.cannotOpen) { _ = try Connection(path: directory + "/no/such/dir/x.sqlite") }
            // A reader never creates the file.
            await expectStorageError(.cannotOpen) { _ = try Connection(path: directory + "/absent.sqlite", role: .reader) }
        }
    }
}

import Foundation
@testable import Storage
import Testing

@Suite("Database: async access, one writer, concurrent readers")
struct DatabaseTests {
    struct Refused: Error {}

    @Test func writeRollsBackOnThrownError() async throws {
        try await withTemporaryDirectory { directory in
            try await withDatabase(in: directory) { database in
                await #expect(throws: Refused.self) {
                    try await database.write { db in
                        try db.execute("INSERT INTO patients (name, email) VALUES (?, ?)", ["Ada", "ada@example.com"])
                        try db.execute("INSERT INTO patients (name, email) VALUES (?, ?)", ["Bob", "bob@example.com"])
                        throw Refused()
                    }
                }
                // A constraint failure on the second statement undoes the first.
                await expectStorageError(.uniqueViolation) {
                    try await database.write { db in
                        try db.execute("INSERT INTO patients (name, email) VALUES (?, ?)", ["Cy", "same@example.com"])
                        try db.execute("INSERT INTO patients (name, email) VALUES (?, ?)", ["Di", "same@example.com"])
                    }
                }
                let count = try await database.read { db in try db.scalar("SELECT count(*) FROM patients", as: Int.self) }
                #expect(count == 0)
                // The writer is usable again afterwards.
                try await database.write { db in try db.execute("INSERT INTO patients (name) VALUES ('Eve')") }
                #expect(try await database.read { db in try db.scalar("SELECT count(*) FROM patients", as: Int.self) } == 1)
            }
        }
    }

    @Test func concurrentWritersAllLand() async throws {
        try await withTemporaryDirectory { directory in
            try await withDatabase(in: directory) { database in
                let tasks = 40
                let rowsPerTask = 25
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for task in 0..<tasks {
                        group.addTask {
                            for row in 0..<rowsPerTask {
                                try await database.write { db in
                                    try db.execute("INSERT INTO patients (name) VALUES (?)", ["t\(task)-r\(row)"])
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let (count, distinct) = try await database.read { db in
                    (try db.scalar("SELECT count(*) FROM patients", as: Int.self),
                     try db.scalar("SELECT count(DISTINCT name) FROM patients", as: Int.self))
                }
                #expect(count == tasks * rowsPerTask)
                #expect(distinct == tasks * rowsPerTask)
            }
        }
    }

    /// Two `Database` objects on one file stand in for two replicas of a service (two processes):
    /// their writers meet in SQLite's file lock, and the busy timeout must absorb every collision.
    @Test func twoWritersOnOneFileNeverSurfaceBusy() async throws {
        try await withTemporaryDirectory { directory in
            try await withDatabase(in: directory, named: "shared.sqlite") { first in
                try await withDatabase(in: directory, named: "shared.sqlite") { second in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for (index, database) in [first, second, first, second].enumerated() {
                            group.addTask {
                                for row in 0..<100 {
                                    try await database.write { db in
                                        try db.execute("INSERT INTO patients (name) VALUES (?)", ["\(index)-\(row)"])
                                    }
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                    #expect(try await second.read { db in try db.scalar("SELECT count(*) FROM patients", as: Int.self) } == 400)
                }
            }
        }
    }

    @Test func readersRunWhileAWriteTransactionIsOpen() async throws {
        try await withTemporaryDirectory { directory in
            try await withDatabase(in: directory) { database in
                try await database.write { db in try db.execute("INSERT INTO patients (name) VALUES ('before')") }
                let inside = Checkpoint()
                async let writing: Void = database.write { db in
                    try db.execute("INSERT INTO patients (name) VALUES ('during')")
                    inside.arriveAndWait()
                }
                await inside.reached()
                // The writer holds its transaction open (blocked on the gate): readers must neither
                // wait for it nor see its uncommitted row.
                let seen = try await withThrowingTaskGroup(of: [String].self) { group in
                    for _ in 0..<3 {
                        group.addTask {
                            try await database.read { db in try db.query("SELECT name FROM patients") { try $0.get(0, as: String.self) } }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(seen == [["before"], ["before"], ["before"]])
                inside.open()
                try await writing
                let after = try await database.read { db in try db.query("SELECT name FROM patients ORDER BY id") { try $0.get(0, as: String.self) } }
                #expect(after == ["before", "during"])
            }
        }
    }

    @Test func readTransactionSeesOneSnapshot() async throws {
        try await withTemporaryDirectory { directory in
            try await withDatabase(in: directory) { database in
                let inside = Checkpoint()
                async let reading: (Int, Int) = database.read { db in
                    let first = try db.scalar("SELECT count(*) FROM patients", as: Int.self)
                    inside.arriveAndWait()
                    return (first, try db.scalar("SELECT count(*) FROM patients", as: Int.self))
                }
                await inside.reached()
                try await database.write { db in try db.execute("INSERT INTO patients (name) VALUES ('new')") }
                inside.open()
                let (first, second) = try await reading
                #expect(first == 0 && second == 0)
            }
        }
    }

    @Test func readRefusesWrites() async throws {
        try await withTemporaryDirectory { directory in
            try await withDatabase(in: directory) { database in
                await expectStorageError(.readOnly) {
                    try await database.read { db in _ = try db.execute("INSERT INTO patients (name) VALUES ('x')") }
                }
            }
        }
    }

    @Test func cancelledWaiterGivesUpWithoutBlockingOthers() async throws {
        try await withTemporaryDirectory { directory in
            try await withDatabase(in: directory) { database in
                let inside = Checkpoint()
                async let holding: Void = database.write { _ in inside.arriveAndWait() }
                await inside.reached()
                let waiter = Task {
                    try await database.write { db in try db.execute("INSERT INTO patients (name) VALUES ('cancelled')") }
                }
                waiter.cancel()
                await #expect(throws: CancellationError.self) { try await waiter.value }
                inside.open()
                try await holding
                try await database.write { db in try db.execute("INSERT INTO patients (name) VALUES ('after')") }
                let names = try await database.read { db in try db.query("SELECT name FROM patients") { try $0.get(0, as: String.self) } }
                #expect(names == ["after"])
            }
        }
    }

    @Test func closeWaitsForRunningWorkThenRefuses() async throws {
        try await withTemporaryDirectory { directory in
            let database = try await Database.open(
                path: directory + "/close.sqlite", migrator: TestSupport.patientsMigrator,
                configuration: TestSupport.configuration, threadPool: TestSupport.threadPool)
            let inside = Checkpoint()
            async let writing: Void = database.write { db in
                inside.arriveAndWait()
                _ = try db.execute("INSERT INTO patients (name) VALUES ('finished')")
            }
            await inside.reached()
            async let closing: Void = database.close()
            inside.open()
            try await writing
            await closing
            await expectStorageError(.closed) { try await database.write { _ in } }
            await expectStorageError(.closed) { try await database.read { _ in } }
            // The write that was running when close began is on disk.
            let connection = try Connection(path: directory + "/close.sqlite")
            #expect(try connection.scalar("SELECT name FROM patients", as: String.self) == "finished")
        }
    }
}

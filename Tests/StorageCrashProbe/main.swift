// Child process for the crash-safety tests in StorageTests (CrashSafetyTests.swift). It writes to a
// database through the real Storage stack and reports progress on stdout; the test kills it with
// SIGKILL and then checks the file. Not a tool for anything else.
//
//   storage-crash-probe hold <path> <committed>   commit <committed> rows one transaction each, then
//                                                 open a transaction writing more, print "holding",
//                                                 and sleep inside it until killed
//   storage-crash-probe stream <path>             commit rows one at a time forever, printing
//                                                 "committed <n>" after each commit returns
import Foundation
import NIOPosix
import Storage

// Must match `CrashSafetyTests.migrator`: the test opens the same file with the same migrations.
let migrator = Migrator([
    Migration(
        version: 1, name: "items",
        sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, phase TEXT NOT NULL, payload BLOB NOT NULL)")
])

func report(_ line: String) {
    // Unbuffered write(2): the line is with the parent before the next step starts.
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("storage-crash-probe: " + message + "\n").utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { fail("usage: storage-crash-probe hold|stream <path> [committed]") }
let threadPool = NIOThreadPool(numberOfThreads: 2)
threadPool.start()

do {
    // stdout is the channel to the parent: keep log lines off it and quiet.
    var configuration = StorageConfiguration()
    configuration.logger.logLevel = .error
    let database = try await Database.open(
        path: arguments[2], migrator: migrator, configuration: configuration, threadPool: threadPool)
    switch arguments[1] {
    case "hold":
        guard arguments.count == 4, let committed = Int(arguments[3]) else { fail("hold needs a row count") }
        for index in 1...committed {
            try await database.write { db in
                try db.execute(
                    "INSERT INTO items (id, phase, payload) VALUES (?, 'committed', ?)",
                    [index, [UInt8](repeating: UInt8(index % 251), count: 512)])
            }
        }
        report("committed \(committed)")
        try await database.write { db in
            // Far more than the page cache holds, so SQLite spills uncommitted pages into the WAL
            // before the kill: recovery has to ignore frames without a commit record.
            let payload = [UInt8](repeating: 0xAB, count: 8192)
            for index in (committed + 1)...(committed + 2000) {
                try db.execute(
                    "INSERT INTO items (id, phase, payload) VALUES (?, 'uncommitted', ?)", [index, payload])
            }
            report("holding")
            while true { sleep(60) }
        }
    case "stream":
        var index = 0
        while true {
            index += 1
            let id = index
            try await database.write { db in
                try db.execute(
                    "INSERT INTO items (id, phase, payload) VALUES (?, 'streamed', ?)",
                    [id, [UInt8](repeating: UInt8(id % 251), count: 2048)])
            }
            report("committed \(id)")
        }
    default:
        fail("unknown mode \(arguments[1])")
    }
} catch {
    fail("\(error)")
}

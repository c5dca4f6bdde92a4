import ClinicTLS
import Foundation
import Storage

/// The logical contents of everything one clinic has on disk, read with plain queries on
/// read-only connections (never through the services), as SHA-256 digests by part:
///
/// - each table of each of the clinic's own databases (`<data>/<service>/<clinic>.sqlite`), every row;
/// - each table of each platform database (`<data>/<service>/platform.db`), the rows that mention the
///   clinic (its id, its accounts, patients, e-mails; then the rows keyed by what those rows are keyed by,
///   e.g. the refresh tokens of its accounts' sessions);
/// - the clinic's document files (names and contents), and the names of every file under the data
///   folder whose path names the clinic.
///
/// Rows are compared as sets, so the order SQLite returns them in does not matter.
struct StoredState: Equatable, CustomStringConvertible {
    /// Digest of each part, e.g. `patients/clinic_x.sqlite audit_events`.
    var parts: [String: [UInt8]]
    /// The rows of each database part, encoded, for telling additions from changes.
    var rows: [String: Set<[UInt8]>] = [:]

    /// Reads the state of `clinicID` under `directory`; `mentions` are the texts whose rows of the
    /// platform databases belong to the clinic.
    static func read(directory: String, clinicID: String, mentions: [String]) throws -> StoredState {
        var parts: [String: [UInt8]] = [:]
        var rowSets: [String: Set<[UInt8]>] = [:]
        let services = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.sorted() ?? []
        for service in services {
            let folder = "\(directory)/\(service)"
            let tenantFile = "\(folder)/\(clinicID).sqlite"
            if FileManager.default.fileExists(atPath: tenantFile) {
                for (table, rows) in try tables(of: tenantFile) {
                    parts["\(service)/\(clinicID).sqlite \(table)"] = digest(rows)
                    rowSets["\(service)/\(clinicID).sqlite \(table)"] = Set(rows.map(\.encoded))
                }
            }
            let platformFile = "\(folder)/platform.db"
            if FileManager.default.fileExists(atPath: platformFile) {
                let all = try tables(of: platformFile)
                var keys = mentions.map { Array($0.utf8) }
                // Two rounds: rows naming the clinic, then rows naming those rows' keys.
                for _ in 0..<2 {
                    for (_, rows) in all {
                        for row in rows where keys.contains(where: { row.encoded.contains(subsequence: $0) }) {
                            if case .text(let key)? = row.values.first, isResourceID(key), !keys.contains(Array(key.utf8)) {
                                keys.append(Array(key.utf8))
                            }
                        }
                    }
                }
                for (table, rows) in all {
                    let mentioning = rows.filter { row in keys.contains { row.encoded.contains(subsequence: $0) } }
                    parts["\(service)/platform.db \(table)"] = digest(mentioning)
                    rowSets["\(service)/platform.db \(table)"] = Set(mentioning.map(\.encoded))
                }
            }
        }
        for path in files(under: directory) where path.contains(clinicID) {
            let isDocument = path.hasPrefix("patients/documents/")
            let content = isDocument ? (FileManager.default.contents(atPath: "\(directory)/\(path)").map { [UInt8]($0) } ?? []) : []
            parts["file \(path)"] = Digest.sha256(content)
        }
        return StoredState(parts: parts, rows: rowSets)
    }

    /// Whether `text` looks like one of the platform's ids (`ses_…`, `acc_…`), as opposed to a
    /// shared value such as a caller's name that would pull in other clinics' rows.
    static func isResourceID(_ text: String) -> Bool {
        guard let underscore = text.firstIndex(of: "_"), underscore > text.startIndex, text.count > 8 else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// Every file under `directory` (relative paths), leaving out SQLite's transient companions.
    static func files(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var paths: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(directory)/\(path)", isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            if path.hasSuffix("-wal") || path.hasSuffix("-shm") || path.hasSuffix("-journal") { continue }
            paths.append(path)
        }
        return paths.sorted()
    }

    /// One row: its values, and their encoding (type tag, length, bytes) for digests and searching.
    struct StoredRow {
        var values: [SQLValue]
        var encoded: [UInt8]
    }

    private static func tables(of path: String) throws -> [(String, [StoredRow])] {
        let connection = try Connection(path: path, role: .reader)
        defer { connection.close() }
        let names: [String] = try connection.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") { row in
            try row.get(0)
        }
        return try names.map { name in
            let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            let rows = try connection.query("SELECT * FROM \(quoted)").map { row in
                StoredRow(values: row.values, encoded: encode(row.values))
            }
            return (name, rows)
        }
    }

    private static func encode(_ values: [SQLValue]) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in values {
            switch value {
            case .null: bytes += Array("N;".utf8)
            case .integer(let int): bytes += Array("I\(int);".utf8)
            case .real(let double): bytes += Array("R\(double.bitPattern);".utf8)
            case .text(let text): bytes += Array("T\(text.utf8.count):".utf8) + Array(text.utf8)
            case .blob(let blob): bytes += Array("B\(blob.count):".utf8) + blob
            }
        }
        return bytes
    }

    private static func digest(_ rows: [StoredRow]) -> [UInt8] {
        let sorted = rows.map(\.encoded).sorted { $0.lexicographicallyPrecedes($1) }
        var all: [UInt8] = Array("\(sorted.count) rows;".utf8)
        for row in sorted { all += Array("\(row.count):".utf8) + row }
        return Digest.sha256(all)
    }

    /// The parts that differ between `self` and `other` (added, removed or changed).
    func differences(from other: StoredState) -> [String] {
        Set(parts.keys).union(other.parts.keys).filter { parts[$0] != other.parts[$0] }.sorted()
    }

    /// The database parts where a row of `before` is gone or changed (counters in
    /// `sqlite_sequence` aside, which every insert into an AUTOINCREMENT table moves).
    func changedRows(since before: StoredState) -> [String] {
        before.rows.keys.filter { part in
            !part.hasSuffix(" sqlite_sequence") && !(before.rows[part] ?? []).isSubset(of: rows[part] ?? [])
        }.sorted()
    }

    /// The rows of `before` that are gone or changed, by part (`sqlite_sequence` aside).
    func removedRows(since before: StoredState) -> [(part: String, row: [UInt8])] {
        before.rows.keys.sorted().filter { !$0.hasSuffix(" sqlite_sequence") }.flatMap { part in
            (before.rows[part] ?? []).subtracting(rows[part] ?? []).map { (part, $0) }
        }
    }

    /// The rows that are new since `before`, by part (`sqlite_sequence` aside).
    func addedRows(since before: StoredState) -> [(part: String, row: [UInt8])] {
        rows.keys.sorted().filter { !$0.hasSuffix(" sqlite_sequence") }.flatMap { part in
            (rows[part] ?? []).subtracting(before.rows[part] ?? []).map { (part, $0) }
        }
    }

    var description: String { "\(parts.count) parts" }
}

import Foundation
import PropertyBased
@testable import Storage
import Testing

@Suite("Typed binding and reading")
struct SQLValueTests {
    /// Binds `value`, reads it back through SQLite as `T`, and returns it with SQLite's type name.
    private func roundTrip<T: SQLValueConvertible>(_ value: T, in directory: String) throws -> (T, String) {
        let connection = try Connection(path: directory + "/values.sqlite")
        let row = try #require(try connection.queryFirst("SELECT ?1 AS v, typeof(?1) AS t", [value]))
        return (try row.get("v", as: T.self), try row.get("t", as: String.self))
    }

    @Test func unicodeTextRoundTrips() async throws {
        try await withTemporaryDirectory { directory in
            for text in ["", "plain", "Zoë Ångström", "患者 病历", "مريض", "👩🏽‍⚕️🩺", "a\u{0}b\u{0}", "\u{0}"] {
                let (back, type) = try roundTrip(text, in: directory)
                #expect(Array(back.utf8) == Array(text.utf8))
                #expect(type == "text")
            }
        }
    }

    @Test func anyUnicodeScalarsRoundTrip() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/values.sqlite")
            let scalars = Gen<UInt32>.value(in: 0...0x10FFFF)
                .map { Character(UnicodeScalar($0) ?? "\u{FFFD}") }
            await propertyCheck(input: scalars.string(of: 0...40)) { text in
                let back = try connection.scalar("SELECT ?", [text], as: String.self)
                #expect(Array(back.utf8) == Array(text.utf8))
            }
        }
    }

    @Test func blobsKeepNulBytesAndEmptiness() async throws {
        try await withTemporaryDirectory { directory in
            let blobs: [[UInt8]] = [[], [0], [0, 0, 1, 0, 255, 0], Array(0...255), [UInt8](repeating: 0, count: 1 << 20)]
            for blob in blobs {
                let (back, type) = try roundTrip(blob, in: directory)
                #expect(back == blob)
                // An empty blob must stay a blob, not turn into NULL.
                #expect(type == "blob")
            }
            let connection = try Connection(path: directory + "/values.sqlite")
            await propertyCheck(input: Gen<UInt8>.value(in: 0...255).array(of: 0...300)) { blob in
                let back = try connection.scalar("SELECT ?", [blob], as: [UInt8].self)
                #expect(back == blob)
            }
        }
    }

    @Test func integersAtTheirLimits() async throws {
        try await withTemporaryDirectory { directory in
            for value in [Int64.min, Int64.min + 1, -1, 0, 1, Int64.max - 1, Int64.max] {
                let (back, type) = try roundTrip(value, in: directory)
                #expect(back == value)
                #expect(type == "integer")
            }
            #expect(try roundTrip(Int.min, in: directory).0 == Int.min)
            #expect(try roundTrip(Int32.max, in: directory).0 == Int32.max)
            let connection = try Connection(path: directory + "/values.sqlite")
            // Too large for Int32: a typed error, not a trap.
            await expectStorageError(.typeMismatch) {
                _ = try connection.scalar("SELECT ?", [Int64(Int32.max) + 1], as: Int32.self)
            }
        }
    }

    @Test func doublesAndNaN() async throws {
        try await withTemporaryDirectory { directory in
            for value in [0.0, -0.0, .pi, -1e-300, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity] {
                let (back, type) = try roundTrip(value, in: directory)
                #expect(back == value && back.sign == value.sign)
                #expect(type == "real")
            }
            let connection = try Connection(path: directory + "/values.sqlite")
            await expectStorageError(.invalidValue) { _ = try connection.query("SELECT ?", [Double.nan]) }
            // Integers read as Double (sum() over integral REAL values returns INTEGER).
            #expect(try connection.scalar("SELECT 3", as: Double.self) == 3)
        }
    }

    @Test func booleans() async throws {
        try await withTemporaryDirectory { directory in
            #expect(try roundTrip(true, in: directory) == (true, "integer"))
            #expect(try roundTrip(false, in: directory) == (false, "integer"))
            let connection = try Connection(path: directory + "/values.sqlite")
            await expectStorageError(.typeMismatch) { _ = try connection.scalar("SELECT 2", as: Bool.self) }
        }
    }

    @Test func nullAndOptionals() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/values.sqlite")
            let none: String? = nil
            let row = try #require(try connection.queryFirst("SELECT ? AS a, typeof(?) AS t, ? AS b", [none, none, "x" as String?]))
            #expect(try row.get("a", as: String?.self) == nil)
            #expect(try row.get("t", as: String.self) == "null")
            #expect(try row.get("b", as: String?.self) == "x")
            #expect(try row.get("a", as: SQLValue.self) == .null)
            // NULL where a value is required is a typed error naming the column, not the value.
            await expectStorageError(.typeMismatch) { _ = try row.get("a", as: String.self) }
            #expect(try connection.scalar("SELECT ?", [SQLValue.null], as: Int64?.self) == nil)
        }
    }

    @Test func datesAreUnixMilliseconds() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/values.sqlite")
            let milliseconds: [Int64] = [0, 1, -1, 1_700_000_000_123, -62_135_596_800_000, 253_402_300_799_999]
            for ms in milliseconds {
                let date = Date(timeIntervalSince1970: Double(ms) / 1000)
                #expect(try connection.scalar("SELECT ?", [date], as: Int64.self) == ms)
                #expect(try connection.scalar("SELECT ?", [date], as: Date.self) == date)
            }
            // Sub-millisecond precision rounds to the nearest millisecond.
            let fine = Date(timeIntervalSince1970: 1.0006)
            #expect(try connection.scalar("SELECT ?", [fine], as: Int64.self) == 1001)
            await expectStorageError(.invalidValue) {
                _ = try connection.query("SELECT ?", [Date(timeIntervalSince1970: 1e300)])
            }
        }
    }

    @Test func rowsReadByNameAndIndex() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/values.sqlite")
            let row = try #require(try connection.queryFirst("SELECT 7 AS Count, 'x' AS label"))
            #expect(row.columnNames == ["Count", "label"])
            #expect(try row.get("count", as: Int.self) == 7)  // names match case-insensitively
            #expect(try row.get(1, as: String.self) == "x")
            await expectStorageError(.columnNotFound) { _ = try row.get("missing", as: Int.self) }
            await expectStorageError(.columnNotFound) { _ = try row.get(2, as: Int.self) }
            await expectStorageError(.typeMismatch) { _ = try row.get("label", as: Int.self) }
        }
    }
}

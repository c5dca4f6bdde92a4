@testable import CodegenCore
import Foundation
import Testing
import TestSupport

/// Golden tests: generate from small protos and compare with the committed expected output.
/// After an intended change, regenerate the goldens with `UPDATE_GOLDEN=1 swift test --filter CodegenTests`.
@Suite("Generator golden output")
struct GoldenTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let protos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Protos")

    @Test("shapes.proto renders as the golden Swift and C header")
    func shapes() async throws {
        let outputs = try Generator().generate(request: try await Self.request(for: "shapes.proto", parameter: "c_module=CGolden,imports=WellKnownTypes"))
        #expect(outputs.map(\.name) == ["swift/shapes.pb.swift", "c/shapes.h"])
        for output in outputs {
            let golden = Self.goldenDirectory.appendingPathComponent(output.name.replacingOccurrences(of: "/", with: "_") + ".golden")
            if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
                try output.content.write(to: golden, atomically: true, encoding: .utf8)
            }
            let expected = try String(contentsOf: golden, encoding: .utf8)
            #expect(output.content == expected, "\(output.name) differs from \(golden.lastPathComponent)")
        }
    }

    @Test("catalog=NAME adds the module's service catalog, as the golden file has it")
    func catalog() async throws {
        let outputs = try Generator().generate(
            request: try await Self.request(for: "shapes.proto", parameter: "c_module=CGolden,imports=WellKnownTypes,catalog=GoldenCatalog"))
        #expect(outputs.map(\.name) == ["swift/shapes.pb.swift", "c/shapes.h", "swift/GoldenCatalog.swift"])
        // Force-unwrap: the line above checked the file is there.
        let catalog = outputs.last!
        let golden = Self.goldenDirectory.appendingPathComponent("swift_GoldenCatalog.swift.golden")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try catalog.content.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(catalog.content == (try String(contentsOf: golden, encoding: .utf8)))
    }

    @Test("generation is deterministic")
    func deterministic() async throws {
        let request = try await Self.request(for: "shapes.proto", parameter: "c_module=CGolden")
        #expect(try Generator().generate(request: request) == Generator().generate(request: request))
    }

    @Test("a proto2 file is refused with a clear error")
    func proto2Refused() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "syntax = \"proto2\"; package p; message M { optional int32 a = 1; }".write(
            to: directory.appendingPathComponent("old.proto"), atomically: true, encoding: .utf8)
        let request = try await Self.request(for: "old.proto", in: directory, parameter: "")
        #expect { try Generator().generate(request: request) } throws: { "\($0)".contains("proto3") }
    }

    /// Builds a CodeGeneratorRequest the way protoc would, from `protoc --descriptor_set_out`.
    static func request(for file: String, in directory: URL = goldenDirectory, parameter: String) async throws -> [UInt8] {
        let set = FileManager.default.temporaryDirectory.appendingPathComponent("set-\(UUID().uuidString).pb")
        let protoc = try await ChildProcess.run("protoc", [
            "-I", directory.path, "-I", protos.path, "-I", "/usr/include", "--include_imports",
            "--include_source_info", "--descriptor_set_out=\(set.path)", file,
        ])
        #expect(protoc.succeeded, "\(protoc.errorText)")
        let bytes = try [UInt8](Data(contentsOf: set))
        var request: [UInt8] = []
        append(1, Array(file.utf8), to: &request)
        append(2, Array(parameter.utf8), to: &request)
        for (number, value) in try WireReader.fields(of: bytes) where number == 1 {
            append(15, value.data, to: &request)
        }
        return request
    }

    private static func append(_ number: UInt64, _ bytes: [UInt8], to out: inout [UInt8]) {
        varint(number << 3 | 2, to: &out)
        varint(UInt64(bytes.count), to: &out)
        out += bytes
    }

    private static func varint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }
}

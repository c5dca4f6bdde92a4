@testable import CodegenCore
import Foundation
import Testing

/// The field rules, rendered as `validate()` and as `fieldRules` data from one model: a golden of
/// the validation part of `Golden/rules.proto`'s output, and the rules that make no sense for a
/// field's type refused.
@Suite("Field rules as code and data")
struct RulesGoldenTests {
    @Test("rules.proto's validation renders as the golden")
    func rules() async throws {
        let outputs = try Generator().generate(request: try await GoldenTests.request(for: "rules.proto", parameter: "c_module=CGolden"))
        let swift = try #require(outputs.first { $0.name == "swift/rules.pb.swift" })
        // Only the validation section: the rest is shapes.proto's golden's business.
        let marker = try #require(swift.content.range(of: "// MARK: - Validation"))
        let section = String(swift.content[marker.lowerBound...])
        let golden = GoldenTests.goldenDirectory.appendingPathComponent("swift_rules_validation.golden")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try section.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(section == (try String(contentsOf: golden, encoding: .utf8)), "differs from \(golden.lastPathComponent)")
    }

    @Test("a rule that means nothing for the field's type is refused", arguments: [
        ("int32 n = 1 [(clinic.options.v1.rules) = { max_len: 3 }];", "max_len applies to strings and bytes only"),
        ("bytes b = 1 [(clinic.options.v1.rules) = { format: FORMAT_EMAIL }];", "format applies to strings only"),
        ("string s = 1 [(clinic.options.v1.rules) = { max_items: 2 }];", "max_items applies to repeated and map fields only"),
        ("string s = 1 [(clinic.options.v1.rules) = { min: 1 }];", "min/max applies to numbers and enums only"),
        ("bool b = 1 [(clinic.options.v1.rules) = { max: 1 }];", "min/max applies to numbers and enums only"),
        ("int32 n = 1 [(clinic.options.v1.rules) = { defined_only: true }];", "defined_only applies to enums only"),
        ("map<string, string> m = 1 [(clinic.options.v1.rules) = { max_len: 3 }];", "max_len applies to strings and bytes only"),
        ("repeated int32 n = 1 [(clinic.options.v1.rules) = { pattern: \"x\" }];", "pattern applies to strings only"),
    ])
    func misappliedRule(field: String, message: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            syntax = "proto3"; package p; import "clinic/options/v1/options.proto";
            message M { \(field) }
            """.write(to: directory.appendingPathComponent("bad.proto"), atomically: true, encoding: .utf8)
        let request = try await GoldenTests.request(for: "bad.proto", in: directory, parameter: "")
        #expect { try Generator().generate(request: request) } throws: { "\($0)".contains("p.M.") && "\($0)".contains(message) }
    }
}

import Foundation
import ProtoRuntime
import Testing

@testable import Edge

/// How each kind of field rule becomes JSON Schema, on the conformance suite's message with every
/// field kind (which declares no rules of its own, so the tests give it some).
@Suite struct OpenAPIRuleSchemaTests {
    static let message = TestAllTypes.protoDescriptor

    /// The schema of TestAllTypesProto3 under `rules`.
    static func schema(_ rules: [FieldRule]) throws -> [String: Any] {
        var schemas = OpenAPISchemas(rules: FieldRuleIndex(rules: [message.fullName: rules]))
        _ = schemas.reference(message)
        let node = try #require(schemas.schemas[message.fullName])
        return try #require(try JSONSerialization.jsonObject(with: Data(node.utf8)) as? [String: Any])
    }

    static func property(_ schema: [String: Any], _ name: String) -> [String: Any] {
        ((schema["properties"] as? [String: [String: Any]])?[name]) ?? [:]
    }

    @Test func requiredFieldsAndOneofs() throws {
        let schema = try Self.schema([
            FieldRule(name: "optional_string", jsonName: "optionalString", isRequired: true),
            FieldRule(name: "repeated_string", jsonName: "repeatedString", isRequired: true),
            FieldRule(name: "oneof_uint32", jsonName: "oneofUint32", oneof: "oneof_field", isRequired: true),
            FieldRule(name: "oneof_string", jsonName: "oneofString", oneof: "oneof_field", isRequired: true),
        ])
        #expect(schema["required"] as? [String] == ["optionalString", "repeatedString"])
        #expect(Self.property(schema, "optionalString")["minLength"] as? Int == 1)
        #expect(Self.property(schema, "repeatedString")["minItems"] as? Int == 1)
        // A required oneof: exactly one of its cases.
        let choices = try #require(schema["oneOf"] as? [[String: [String]]])
        #expect(choices.map { $0["required"] ?? [] } == [["oneofUint32"], ["oneofString"]])
    }

    @Test func stringRules() throws {
        let schema = try Self.schema([
            FieldRule(name: "optional_string", jsonName: "optionalString", minLength: 2, maxLength: 8, pattern: "[a-z]+"),
            FieldRule(name: "repeated_string", jsonName: "repeatedString", format: .country, pattern: "^F.$", maxItems: 3),
            FieldRule(name: "optional_string_piece", jsonName: "optionalStringPiece", format: .date),
            FieldRule(name: "optional_cord", jsonName: "optionalCord", pattern: "^a|b$"),
        ])
        let string = Self.property(schema, "optionalString")
        #expect(string["minLength"] as? Int == 2 && string["maxLength"] as? Int == 8)
        #expect(string["pattern"] as? String == "^(?:[a-z]+)$")
        let list = Self.property(schema, "repeatedString")
        #expect(list["maxItems"] as? Int == 3)
        let element = try #require(list["items"] as? [String: Any])
        // Two patterns: the rule's, and the format's under allOf.
        #expect(element["pattern"] as? String == "^F.$")
        #expect((element["allOf"] as? [[String: String]])?.first?["pattern"] == "^([A-Z]{2})?$")
        #expect(Self.property(schema, "optionalStringPiece")["format"] as? String == "date")
        #expect(Self.property(schema, "optionalCord")["pattern"] as? String == "^(?:^a|b$)$")
    }

    @Test func bytesNumbersEnumsAndMaps() throws {
        let schema = try Self.schema([
            FieldRule(name: "optional_bytes", jsonName: "optionalBytes", minLength: 4, maxLength: 32),
            FieldRule(name: "optional_int64", jsonName: "optionalInt64", minimum: -5, maximum: 5),
            FieldRule(name: "optional_uint32", jsonName: "optionalUint32", minimum: -1, maximum: 10),
            FieldRule(name: "optional_nested_enum", jsonName: "optionalNestedEnum", isRequired: true, maximum: 1),
            FieldRule(name: "map_string_string", jsonName: "mapStringString", isRequired: true, maxItems: 4),
        ])
        // Base64 text: 4 bytes are at least 6 characters unpadded, 32 at most 44 padded.
        let bytes = Self.property(schema, "optionalBytes")
        #expect(bytes["minLength"] as? Int == 6 && bytes["maxLength"] as? Int == 44)
        let int64 = Self.property(schema, "optionalInt64")
        #expect(int64["minimum"] as? Int == -5 && int64["maximum"] as? Int == 5)
        // The type's own bound stays where it is the tighter one.
        let uint32 = Self.property(schema, "optionalUint32")
        #expect(uint32["minimum"] as? Int == 0 && uint32["maximum"] as? Int == 10)
        // FOO = 0, BAR = 1, BAZ = 2, NEG = -1: required and at most 1 leaves BAR and NEG.
        let nestedEnum = Self.property(schema, "optionalNestedEnum")
        #expect(nestedEnum["$ref"] != nil)
        #expect(nestedEnum["enum"] as? [String] == ["NEG", "BAR"] || nestedEnum["enum"] as? [String] == ["BAR", "NEG"])
        let map = Self.property(schema, "mapStringString")
        #expect(map["minProperties"] as? Int == 1 && map["maxProperties"] as? Int == 4)
    }

    /// The patterns standing for formats accept what the format check accepts, "" included.
    @Test(arguments: [
        (FieldFormat.id, ["", "a1", "A_b-9", String(repeating: "a", count: 64)], [String(repeating: "a", count: 65), "a b", "é"]),
        (.phoneE164, ["", "+33123456789", "+123456789012345"], ["33123456789", "+0123456789", "+12"]),
        (.currency, ["", "EUR"], ["eur", "EURO"]),
        (.country, ["", "FR"], ["fr", "FRA"]),
        (.language, ["", "fr", "fr-FR", "zh-Hant-TW"], ["f", "-fr", "fr-", "1a"]),
        (.mediaType, ["", "text/plain", "application/json; charset=utf-8"], ["text", "text/", "text/;x", "a/b/c"]),
    ])
    func formatPatterns(format: FieldFormat, good: [String], bad: [String]) throws {
        let pattern = try #require(RuleSchema.format(format).pattern)
        let expression = try NSRegularExpression(pattern: pattern)
        func matches(_ text: String) -> Bool {
            expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        for text in good + bad {
            #expect(matches(text) == format.accepts(text), "\(format) \(text.debugDescription)")
        }
        for text in good { #expect(format.accepts(text), "\(format) \(text.debugDescription)") }
        for text in bad { #expect(!format.accepts(text), "\(format) \(text.debugDescription)") }
    }
}

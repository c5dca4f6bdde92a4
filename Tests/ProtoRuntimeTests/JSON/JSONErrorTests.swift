import ConformanceProtos
import ProtoRuntime
import Testing

/// Bad JSON input gives a typed `ProtoError` with the right code and the path of the field at
/// fault, never a crash or a partly filled message.
@Suite("Bad JSON gives typed errors")
struct JSONErrorTests {
    typealias Case = JSONBadInputs.Case

    static let options = JSONDecodingOptions(typeRegistry: TypeRegistry([TestAllTypes.protoDescriptor]))

    @Test("invalid JSON", arguments: JSONBadInputs.invalidJSON)
    func invalidJSON(_ bad: Case) { Self.expectError(bad) }

    @Test("wrong JSON types and forms", arguments: JSONBadInputs.wrongTypes)
    func wrongTypes(_ bad: Case) { Self.expectError(bad) }

    @Test("unknown fields, named in the error", arguments: JSONBadInputs.unknownFields)
    func unknownFields(_ bad: Case) {
        guard let error = Self.expectError(bad) else { return }
        // The message names the member, so a person reading a 400 response sees which one.
        let member = String(bad.fieldPath?.split(separator: ".").last ?? "")
        #expect(error.message.contains("\"\(member)\""), "\(error.message)")
    }

    @Test("integer and floating-point overflow", arguments: JSONBadInputs.overflows)
    func overflows(_ bad: Case) { Self.expectError(bad) }

    @Test("invalid base64", arguments: JSONBadInputs.invalidBase64)
    func invalidBase64(_ bad: Case) { Self.expectError(bad) }

    @Test("invalid enum names and numbers", arguments: JSONBadInputs.invalidEnums)
    func invalidEnums(_ bad: Case) { Self.expectError(bad) }

    @Test("bytes that are not UTF-8")
    func invalidUTF8() {
        let json: [UInt8] = Array(#"{"optionalString": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        do {
            _ = try TestAllTypes(jsonUTF8Bytes: json)
            Issue.record("invalid UTF-8 was accepted")
        } catch {
            #expect(error.code == .invalidUTF8)
        }
    }

    @Test("nesting and size beyond the limits")
    func limits() {
        let deep = String(repeating: #"{"recursiveMessage":"#, count: 200) + "{}" + String(repeating: "}", count: 200)
        do {
            _ = try TestAllTypes(jsonString: deep)
            Issue.record("200 levels were accepted with a limit of 100")
        } catch {
            #expect(error.code == .tooDeep)
        }
        let arrays = String(repeating: "[", count: 100_000)
        do {
            _ = try TestAllTypes(jsonString: #"{"repeatedInt32":"# + arrays)
            Issue.record("100,000 open arrays were accepted")
        } catch {
            #expect(error.code == .tooDeep)
        }
        do {
            _ = try TestAllTypes(jsonString: #"{"optionalString": "\#(String(repeating: "x", count: 100))"}"#, options: JSONDecodingOptions(maxBytes: 64))
            Issue.record("JSON beyond maxBytes was accepted")
        } catch {
            #expect(error.code == .tooLarge)
        }
    }

    @Test("ignoreUnknownFields skips unknown members and enum names, nothing else")
    func ignoreUnknownFields() throws {
        var options = Self.options
        options.ignoreUnknownFields = true
        let message = try TestAllTypes(
            jsonString: #"{"zz": [1, {"a": null}], "optionalInt32": 4, "optionalNestedEnum": "NOPE", "repeatedNestedEnum": ["BAR", "NOPE"], "mapStringNestedEnum": {"a": "NOPE", "b": "BAZ"}}"#,
            options: options)
        #expect(message.optionalInt32 == 4)
        #expect(message.optionalNestedEnum == .foo)
        #expect(message.repeatedNestedEnum == [.bar])
        #expect(message.mapStringNestedEnum == ["b": .baz])
        for bad in JSONBadInputs.overflows + JSONBadInputs.invalidBase64 + JSONBadInputs.invalidJSON {
            #expect(throws: ProtoError.self, "\(bad.name)") { try TestAllTypes(jsonString: bad.json, options: options) }
        }
    }

    /// Decodes `bad.json`, expecting its error; returns the error for further checks.
    @discardableResult
    static func expectError(_ bad: Case, sourceLocation: SourceLocation = #_sourceLocation) -> ProtoError? {
        do {
            let message = try TestAllTypes(jsonString: bad.json, options: options)
            Issue.record("accepted as \(message)", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.code == bad.code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.fieldPath == bad.fieldPath, "\(error)", sourceLocation: sourceLocation)
            return error
        }
    }
}

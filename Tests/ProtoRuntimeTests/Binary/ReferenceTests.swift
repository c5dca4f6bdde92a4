import ClinicAPI
import ConformanceProtos
import PropertyBased
import ProtoRuntime
import Testing
import WellKnownTypes

/// Checks our encoding against the reference implementation, `protoc --encode/--decode`.
@Suite("Binary encoding agrees with protoc")
struct ReferenceTests {
    @Test("protoc reads our bytes as the expected text, and we read protoc's bytes as the message", arguments: ReferenceCase.all)
    func agreement(_ reference: ReferenceCase) async throws {
        let message = reference.message
        let ours = try message.serializedBytes()
        let text = try await Protoc.decode(ours)
        #expect(text == reference.text)

        let theirs = try await Protoc.encode(reference.text)
        let decoded = try TestAllTypes(serializedBytes: theirs)
        if reference.hasNaN {
            #expect(try decoded.serializedBytes() == ours)
        } else {
            #expect(decoded == message)
        }
        if reference.canonical {
            #expect(ours == theirs, "our bytes differ from protoc's")
        }
    }

    @Test("unknown fields of every wire type are re-emitted after the known ones, as protoc does")
    func unknownFields() async throws {
        var message = TestAllTypes()
        message.optionalInt32 = 1
        message.unknownFields.fields = [
            .init(number: 5000, wireType: 0, data: [0x96, 0x01]),
            .init(number: 5001, wireType: 1, data: [1, 0, 0, 0, 0, 0, 0, 0]),
            .init(number: 5002, wireType: 2, data: [3, 0x61, 0x62, 0x63]),
            .init(number: 5003, wireType: 5, data: [2, 0, 0, 0]),
        ]
        let ours = try message.serializedBytes()
        let text = try await Protoc.decode(ours)
        #expect(text == "optional_int32: 1\n5000: 150\n5001: 0x0000000000000001\n5002: \"abc\"\n5003: 0x00000002\n")
        // protoc's text parser takes no unknown fields, so the raw records follow its encoding.
        let raw: [UInt8] = [0xC0, 0xB8, 0x02, 0x96, 0x01, 0xC9, 0xB8, 0x02, 1, 0, 0, 0, 0, 0, 0, 0,
                            0xD2, 0xB8, 0x02, 3, 0x61, 0x62, 0x63, 0xDD, 0xB8, 0x02, 2, 0, 0, 0]
        let theirs = try await Protoc.encode("optional_int32: 1\n") + raw
        #expect(ours == theirs)
        #expect(try TestAllTypes(serializedBytes: theirs) == message)
    }

    @Test("the every-field-kind fixture survives protoc's decoder and encoder unchanged")
    func everyFieldKindThroughProtoc() async throws {
        let message = Fixtures.everyFieldKind
        let text = try await Protoc.decode(try message.serializedBytes())
        #expect(text.contains("optional_int64: 9223372036854775807"))
        #expect(text.contains("repeated_nested_enum: 77"))
        #expect(try TestAllTypes(serializedBytes: try await Protoc.encode(text)) == message)
    }

    @Test("random messages survive protoc's decoder and encoder unchanged")
    func randomMessagesThroughProtoc() async {
        await propertyCheck(count: 40, input: RandomMessages.allTypes) { message in
            let text = try await Protoc.decode(try message.serializedBytes())
            let back = try TestAllTypes(serializedBytes: try await Protoc.encode(text))
            #expect(try RandomMessages.sameEncoding(back, message))
        }
    }

    @Test("we decode protoc's non-canonical forms: unpacked where packed is declared, and the reverse")
    func nonCanonicalForms() async throws {
        // Field 31 (repeated_int32, packed) written unpacked; field 89 (unpacked_int32) packed.
        let unpackedForm: [UInt8] = [0xF8, 0x01, 0x05, 0xF8, 0x01, 0x06]
        #expect(try TestAllTypes(serializedBytes: unpackedForm).repeatedInt32 == [5, 6])
        let packedForm: [UInt8] = [0xCA, 0x05, 0x02, 0x07, 0x08]
        #expect(try TestAllTypes(serializedBytes: packedForm).unpackedInt32 == [7, 8])
        // Both agree with what protoc reads from the same bytes.
        #expect(try await Protoc.decode(unpackedForm) == "repeated_int32: 5\nrepeated_int32: 6\n")
        #expect(try await Protoc.decode(packedForm) == "unpacked_int32: 7\nunpacked_int32: 8\n")
    }

    @Test("a repeated singular field on the wire: the last value wins, as in protoc")
    func lastValueWins() async throws {
        let bytes = try await Protoc.encode("optional_int32: 1\n") + Protoc.encode("optional_int32: 2\n")
            + Protoc.encode("optional_nested_message { a: 1 }\n") + Protoc.encode("optional_nested_message { corecursive { optional_int32: 5 } }\n")
        let message = try TestAllTypes(serializedBytes: bytes)
        #expect(message.optionalInt32 == 2)
        // Embedded messages merge: `a` from the first, `corecursive` from the second.
        #expect(message.optionalNestedMessage?.a == 1)
        #expect(message.optionalNestedMessage?.corecursive?.optionalInt32 == 5)
        #expect(try await Protoc.decode(bytes) == Protoc.decode(message.serializedBytes()))
    }

    @Test("presence through a one-field oneof (proto3 optional) agrees with protoc")
    func syntheticOneofPresence() async throws {
        let schema = Protoc.Schema.platform("clinic/patients/v1/patients.proto")
        let type = "clinic.patients.v1.UpdatePatientRequest"
        var request = Clinic_Patients_V1_UpdatePatientRequest()
        request.patientId = "pat_1"
        request.sex = .unspecified
        let text = try await Protoc.decode(try request.serializedBytes(), type: type, schema: schema)
        #expect(text == "patient_id: \"pat_1\"\nsex: SEX_UNSPECIFIED\n")
        request.sex = nil
        #expect(try await Protoc.decode(try request.serializedBytes(), type: type, schema: schema) == "patient_id: \"pat_1\"\n")
        let decoded = try Clinic_Patients_V1_UpdatePatientRequest(
            serializedBytes: try await Protoc.encode("sex: SEX_MALE\n", type: type, schema: schema))
        #expect(decoded.sex == .male)
    }
}

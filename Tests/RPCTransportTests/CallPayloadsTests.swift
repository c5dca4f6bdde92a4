import ClinicAPI
import NIOCore
import ProtoRuntime
import RPCCore
@testable import RPCTransport
import Testing
import WellKnownTypes

/// The hand-written codec of CALL_START, INITIAL_METADATA and TRAILERS, checked against the
/// document's test vector and against the generated `clinic.rpc.v1` messages (protobuf-c) both ways.
@Suite("Call payloads")
struct CallPayloadsTests {
    private func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    private var sampleMetadata: Metadata {
        var metadata = Metadata()
        metadata.add("x-request-id", "7f3a")
        metadata.add("trace-bin", binary: [1, 2])
        return metadata
    }

    @Test func callStartMatchesTheDocumentsVector() throws {
        // docs/PROTOCOL.md section 9, vector call_start, without its 10-byte header.
        let expected: [UInt8] = [
            0x0a, 0x1d, 0x63, 0x6c, 0x69, 0x6e, 0x69, 0x63, 0x2e, 0x68, 0x65, 0x61, 0x6c, 0x74, 0x68, 0x2e,
            0x76, 0x31, 0x2e, 0x48, 0x65, 0x61, 0x6c, 0x74, 0x68, 0x2f, 0x43, 0x68, 0x65, 0x63, 0x6b, 0x10,
            0xe0, 0xc6, 0x5b, 0x1a, 0x27, 0x0a, 0x14, 0x0a, 0x0c, 0x78, 0x2d, 0x72, 0x65, 0x71, 0x75, 0x65,
            0x73, 0x74, 0x2d, 0x69, 0x64, 0x12, 0x04, 0x37, 0x66, 0x33, 0x61, 0x0a, 0x0f, 0x0a, 0x09, 0x74,
            0x72, 0x61, 0x63, 0x65, 0x2d, 0x62, 0x69, 0x6e, 0x1a, 0x02, 0x01, 0x02,
        ]
        let start = CallPayloads.CallStart(method: "clinic.health.v1.Health/Check", timeoutMicros: 1_500_000, metadata: sampleMetadata)
        #expect(bytes(CallPayloads.encodeCallStart(start, allocator: .init())) == expected)
        #expect(try CallPayloads.decodeCallStart(ByteBuffer(bytes: expected)) == start)
    }

    @Test func trailersMatchTheDocumentsVector() throws {
        let expected: [UInt8] =
            [0x0a, 0x1d, 0x08, 0x05, 0x12, 0x19] + Array("unknown service: patients".utf8)
        let status = RPCStatus(code: .notFound, message: "unknown service: patients")
        #expect(bytes(CallPayloads.encodeTrailers(status, [:], allocator: .init())) == expected)
        let (decoded, metadata) = try CallPayloads.decodeTrailers(ByteBuffer(bytes: expected))
        #expect(decoded == status)
        #expect(metadata.isEmpty)
    }

    @Test func emptyTrailersAreOK() throws {
        #expect(CallPayloads.encodeTrailers(.ok, [:], allocator: .init()).readableBytes == 0)
        let (status, metadata) = try CallPayloads.decodeTrailers(ByteBuffer())
        #expect(status.isOK)
        #expect(metadata.isEmpty)
    }

    @Test func callStartAgreesWithTheGeneratedMessage() throws {
        for timeout: UInt64? in [nil, 0, 1, 300, UInt64(Int64.max)] {
            let start = CallPayloads.CallStart(method: "clinic.auth.v1.AuthService/Login", timeoutMicros: timeout, metadata: sampleMetadata)
            let generated = try Clinic_Rpc_V1_CallStart(serializedBytes: bytes(CallPayloads.encodeCallStart(start, allocator: .init())))
            #expect(generated.method == start.method)
            #expect(generated.timeoutMicros == timeout)
            #expect(generated.metadata?.entries.map(\.key) == ["x-request-id", "trace-bin"])
            #expect(generated.metadata?.entries.map(\.value) == [.text("7f3a"), .binary([1, 2])])
            // And back: what protobuf-c writes, we read.
            #expect(try CallPayloads.decodeCallStart(ByteBuffer(bytes: generated.serializedBytes())) == start)
        }
    }

    @Test func trailersWithDetailsAgreeWithTheGeneratedMessage() throws {
        let details = [
            RPCError.Detail(typeURL: "type.googleapis.com/clinic.rpc.v1.BadRequest", value: [0x0a, 0x03, 0x0a, 0x01, 0x78]),
            RPCError.Detail(typeURL: "type.googleapis.com/clinic.rpc.v1.RetryInfo", value: []),
        ]
        var metadata = Metadata()
        metadata.add("x-trailer", "done")
        for code in RPCError.Code.all {
            let status = RPCStatus(code: code, message: "\t☺ 😈 \(code)", details: details)
            let encoded = bytes(CallPayloads.encodeTrailers(status, metadata, allocator: .init()))
            let generated = try Clinic_Rpc_V1_Trailers(serializedBytes: encoded)
            #expect(generated.status?.code == Int32(code.rawValue))
            #expect(generated.status?.message == status.message)
            #expect(generated.status?.details.map(\.typeUrl) == details.map(\.typeURL))
            #expect(generated.status?.details.map(\.value) == details.map(\.value))
            let (decoded, decodedMetadata) = try CallPayloads.decodeTrailers(ByteBuffer(bytes: generated.serializedBytes()))
            #expect(decoded == status)
            #expect(decodedMetadata == metadata)
        }
    }

    @Test func unknownStatusNumbersAreUnknown() throws {
        var status = Clinic_Rpc_V1_Status()
        status.code = 99
        var trailers = Clinic_Rpc_V1_Trailers()
        trailers.status = status
        let (decoded, _) = try CallPayloads.decodeTrailers(ByteBuffer(bytes: trailers.serializedBytes()))
        #expect(decoded.code == .unknown)
    }

    @Test func metadataThatBreaksTheRulesIsNotSent() {
        var badKey = Metadata()
        badKey.add("x request", "v")
        var binaryWithoutSuffix = Metadata()
        binaryWithoutSuffix.add("x-data", binary: [1])
        var textWithSuffix = Metadata()
        textWithSuffix.add("x-data-bin", "v")
        var controlCharacter = Metadata()
        controlCharacter.add("x-text", "line\nbreak")
        var tooLong = Metadata()
        tooLong.add(String(repeating: "k", count: 256), "v")
        for metadata in [badKey, binaryWithoutSuffix, textWithSuffix, controlCharacter, tooLong] {
            #expect(throws: RPCError.self) { try CallPayloads.validate(metadata) }
        }
        #expect(throws: Never.self) { try CallPayloads.validate(sampleMetadata) }
    }

    @Test func malformedPayloadsAreRejected() {
        let cases: [[UInt8]] = [
            [0x0a],  // a field with no length
            [0x0a, 0x05, 0x61],  // a length past the end
            [0x10, 0xFF],  // a truncated varint
            [0x0a, 0x02, 0xC3, 0x28],  // invalid UTF-8 in the method
            [0x0b],  // wire type 3 (groups) is not supported
            [0x00],  // field number 0
            [0x1a, 0x04, 0x0a, 0x02, 0x0a, 0x00],  // a metadata entry with an empty key
        ]
        for payload in cases {
            #expect(throws: ProtoWireError.self) { _ = try CallPayloads.decodeCallStart(ByteBuffer(bytes: payload)) }
        }
    }
}

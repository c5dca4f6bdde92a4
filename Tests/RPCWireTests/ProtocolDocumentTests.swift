import Foundation
import NIOCore
import Testing

@testable import RPCWire

/// docs/PROTOCOL.md and the codec agree: every hex block in the document is a vector the tests use,
/// byte for byte, and every vector is in the document.
@Suite struct ProtocolDocumentTests {
    /// The document's vectors by name: blocks marked `<!-- vector: name -->`, then a ```hex fence;
    /// `#` starts a comment; every other token must be a hex byte.
    static func documentVectors() throws -> [String: ByteBuffer] {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/PROTOCOL.md"), encoding: .utf8)
        var vectors: [String: ByteBuffer] = [:]
        var name: String?
        var inBlock = false
        var bytes: [UInt8] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !inBlock, trimmed.hasPrefix("<!-- vector:"), trimmed.hasSuffix("-->") {
                name = trimmed.dropFirst("<!-- vector:".count).dropLast("-->".count)
                    .trimmingCharacters(in: .whitespaces)
            } else if name != nil, !inBlock, trimmed == "```hex" {
                inBlock = true
                bytes = []
            } else if inBlock, trimmed == "```" {
                let key = try #require(name)
                #expect(vectors[key] == nil, "vector \(key) appears twice")
                vectors[key] = ByteBuffer(bytes: bytes)
                inBlock = false
                name = nil
            } else if inBlock {
                let code = trimmed.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                for token in code.split(separator: " ") {
                    let byte = try #require(
                        token.count == 2 ? UInt8(token, radix: 16) : nil,
                        "'\(token)' in vector \(name ?? "?") is not a hex byte")
                    bytes.append(byte)
                }
            }
        }
        #expect(!inBlock, "unterminated vector block")
        return vectors
    }

    @Test func documentHasExactlyTheTestVectors() throws {
        let document = try Self.documentVectors()
        #expect(Set(document.keys) == Set(TestVectors.all.map(\.name)))
        for vector in TestVectors.all {
            let bytes = try #require(document[vector.name], "vector \(vector.name) missing from PROTOCOL.md")
            #expect(bytes.hexDump == vector.bytes.hexDump, "vector \(vector.name)")
        }
    }

    @Test func documentNamesTheALPNIdentifier() throws {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/PROTOCOL.md"), encoding: .utf8)
        #expect(text.contains("`\(WireProtocol.alpnIdentifier)`"))
    }
}

@Suite struct TestVectorTests {
    @Test(arguments: TestVectors.all)
    func vectorDecodesToItsFrame(_ vector: TestVectors.Vector) throws {
        var parser = FrameParser()
        var bytes = vector.bytes
        let frame = try #require(try parser.nextFrame(from: &bytes))
        #expect(frame == vector.frame)
        #expect(bytes.readableBytes == 0)
    }

    @Test(arguments: TestVectors.all)
    func frameEncodesToItsVector(_ vector: TestVectors.Vector) throws {
        var buffer = ByteBuffer()
        try buffer.writeFrame(vector.frame)
        #expect(buffer.hexDump == vector.bytes.hexDump)
    }

    @Test func controlVectorsReadBackTheirValues() throws {
        let byName = Dictionary(uniqueKeysWithValues: TestVectors.all.map { ($0.name, $0.frame) })
        #expect(try byName["settings"]?.settings() == .default)
        #expect(try byName["ping"]?.pingData() == 0x0102_0304_0506_0708)
        #expect(try byName["window_update"]?.windowIncrement() == 8)
        #expect(try byName["cancel"]?.cancelReason() == 4)
        let goAway = try #require(try byName["goaway"]?.goAway())
        #expect(goAway.lastStreamID == 7)
        #expect(goAway.code == .noError)
        #expect(goAway.debugMessage == "server restart")
        #expect(byName["message_end_stream"]?.endsClientStream == true)
    }
}

import RPCCore
import Testing

@Suite("Metadata keys")
struct MetadataTests {
    @Test("keys are case-insensitive and kept in lower case, whatever case they are written in")
    func caseInsensitiveKeys() {
        var metadata = Metadata()
        metadata.add("X-Request-ID", "a")
        metadata.add("x-request-id", "b")
        metadata.add("trace-bin", binary: [1, 2])
        #expect(metadata.map(\.key) == ["x-request-id", "x-request-id", "trace-bin"])
        #expect(metadata["X-REQUEST-ID"] == "a")
        #expect(metadata.values(of: "x-Request-Id") == [.text("a"), .text("b")])
        metadata.remove("X-Request-Id")
        #expect(metadata.map(\.key) == ["trace-bin"])
        #expect(metadata.values(of: "TRACE-BIN") == [.binary([1, 2])])
    }

    @Test("a key already in lower case is kept as it is; other letters are lowered as Swift lowers them")
    func lowerCaseAndNonASCIIKeys() {
        var metadata = Metadata()
        metadata.add("already-lower-and-longer-than-fifteen-bytes", "1")
        metadata.add("ÄRZTIN", "2")
        #expect(metadata.map(\.key) == ["already-lower-and-longer-than-fifteen-bytes", "ärztin"])
        #expect(metadata["ärztin"] == "2")
    }
}

import Storage
import Testing

@Suite("Tenant ids are safe path components")
struct TenantIDTests {
    @Test(arguments: ["a", "clinic-42", "North_Clinic", "0", String(repeating: "x", count: 64), "-", "_"])
    func acceptsSafeIDs(_ raw: String) throws {
        #expect(try TenantID(raw).rawValue == raw)
    }

    @Test(arguments: [
        "", "..", ".", "../etc", "a/b", "a\\b", "/abs", "a.sqlite", "a b", " a", "a\n", "a\u{0}b",
        "é", "ｃｌｉｎｉｃ", "clinic;drop", "%2e%2e", String(repeating: "x", count: 65),
    ])
    func rejectsEverythingElse(_ raw: String) async {
        let error = await expectStorageError(.invalidIdentifier) { _ = try TenantID(raw) }
        // The rejected text is not echoed back.
        if raw.count > 2 { #expect(error?.message.contains(raw) == false) }
    }
}

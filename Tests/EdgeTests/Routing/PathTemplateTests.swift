import Testing

@testable import Edge

@Suite struct PathTemplateTests {
    @Test func parsesLiteralsVariablesAndVerbs() throws {
        let template = try PathTemplate("/v1/patients/{patient_id}/documents/{document_id}:download")
        #expect(template.segments == [.literal("v1"), .literal("patients"), .variable("patient_id"), .literal("documents"), .variable("document_id")])
        #expect(template.verb == "download")
        #expect(template.variables == ["patient_id", "document_id"])
        let search = try PathTemplate("/v1/patients:search")
        #expect(search.segments == [.literal("v1"), .literal("patients")])
        #expect(search.verb == "search")
        #expect(try PathTemplate("/v1/health").verb == nil)
    }

    @Test(arguments: ["v1/x", "/v1//x", "/v1/{a.b}", "/v1/{a=*}", "/v1/x{y}", "/v1/x:", "/v1/{}"])
    func rejectsMalformedTemplates(_ text: String) {
        #expect(throws: EdgeSetupError.self) { try PathTemplate(text) }
    }

    @Test func requestTargetsSplitVerbAndQuery() throws {
        let target = try #require(RequestTarget("/v1/patients/p%3A1:archive?a=1&b=x+y&c"))
        #expect(target.segments == ["v1", "patients", "p:1"])
        #expect(target.verb == "archive")
        #expect(target.query.map(\.name) == ["a", "b", "c"])
        #expect(target.query.map(\.value) == ["1", "x y", ""])
        #expect(RequestTarget("*") == nil)
        #expect(RequestTarget("/a%E9") == nil)
    }
}

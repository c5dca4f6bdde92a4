import Foundation
import Testing

@testable import Edge

/// The web UI folder: files with their types and caching headers, and no way out of the folder.
@Suite struct StaticFilesTests {
    /// A folder with an index, an asset, a hidden file, and a secret beside it.
    static func makeSite() throws -> (root: URL, outside: URL) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("edge-static-\(UUID().uuidString)")
        let root = base.appendingPathComponent("web")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("assets"), withIntermediateDirectories: true)
        try Data("<h1>clinic</h1>".utf8).write(to: root.appendingPathComponent("index.html"))
        try Data("body{}".utf8).write(to: root.appendingPathComponent("assets/app.css"))
        try Data("x".utf8).write(to: root.appendingPathComponent(".env"))
        let outside = base.appendingPathComponent("secret.txt")
        try Data("TOP-SECRET-CONTENT".utf8).write(to: outside)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("link.txt"), withDestinationURL: outside)
        return (root, base)
    }

    @Test func servesFilesWithTypesAndCaching() async throws {
        let site = try Self.makeSite()
        defer { try? FileManager.default.removeItem(at: site.outside) }
        try await withEdge(configuration: testConfiguration { $0.staticRoot = site.root }) { edge in
            let index = try await edge.send(.GET, "/")
            #expect(index.status == 200)
            #expect(index.text == "<h1>clinic</h1>")
            #expect(index.header("content-type") == "text/html; charset=utf-8")
            #expect(index.header("cache-control") == "no-cache")
            let css = try await edge.send(.GET, "/assets/app.css")
            #expect(css.header("content-type") == "text/css; charset=utf-8")
            #expect(css.header("cache-control") == "public, max-age=3600")
            let etag = try #require(css.header("etag"))
            let revalidated = try await edge.send(.GET, "/assets/app.css", headers: [("If-None-Match", etag)])
            #expect(revalidated.status == 304)
            #expect(revalidated.body.isEmpty)
            let head = try await edge.send(.HEAD, "/assets/app.css")
            #expect(head.status == 200 && head.body.isEmpty && head.header("content-length") == "6")
        }
    }

    @Test(arguments: [
        "/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/assets/%2E%2E%2F..%2Fsecret.txt",
        "/.env", "/link.txt", "/assets/..%5c..%5csecret.txt", "/nothing.js", "/assets",
    ])
    func neverLeavesTheFolder(_ path: String) async throws {
        let site = try Self.makeSite()
        defer { try? FileManager.default.removeItem(at: site.outside) }
        try await withEdge(configuration: testConfiguration { $0.staticRoot = site.root }) { edge in
            let response = try await edge.send(.GET, path)
            #expect(response.status == 404, "\(path)")
            #expect(response.errorCode == "not_found")
            #expect(!response.text.contains("TOP-SECRET-CONTENT"))
        }
    }

    @Test func safePathsAreDecodedSegmentBySegment() {
        #expect(StaticFiles.safeRelativePath("/a/b%20c.txt") == "a/b c.txt")
        #expect(StaticFiles.safeRelativePath("//a///b") == "a/b")
        #expect(StaticFiles.safeRelativePath("/a/%2F/b") == nil)
        #expect(StaticFiles.safeRelativePath("/a/%00") == nil)
        #expect(StaticFiles.safeRelativePath("/a/./b") == nil)
    }
}

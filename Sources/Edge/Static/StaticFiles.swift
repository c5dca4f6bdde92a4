import Foundation
import NIOHTTP1

/// The web UI's files, served from one folder for paths no API route claims.
///
/// A path is decoded segment by segment; empty, `.` and `..` segments, hidden names and
/// separators inside a segment are refused, and the resolved file (symbolic links followed)
/// must still lie inside the folder, so no request reads anything outside it.
struct StaticFiles: Sendable {
    /// A file ready to send.
    struct File {
        var status: HTTPResponseStatus
        var headers: [(String, String)]
        var body: [UInt8]
    }

    /// The folder, with symbolic links resolved.
    let root: String
    /// Larger files are not served from memory.
    let maxFileBytes = 64 << 20

    init(root: URL) {
        self.root = root.standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The answer for the request path `rawPath` (no query), honouring `If-None-Match`.
    func file(for rawPath: String, requestHeaders: HTTPHeaders) throws(EdgeError) -> File {
        guard let relative = Self.safeRelativePath(rawPath) else { throw EdgeError.routeNotFound(rawPath) }
        var path = relative.isEmpty ? root : root + "/" + relative
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw EdgeError.routeNotFound(rawPath) }
        if isDirectory.boolValue { path += "/index.html" }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root + "/"),
            let attributes = try? FileManager.default.attributesOfItem(atPath: resolved),
            attributes[.type] as? FileAttributeType == .typeRegular,
            let size = (attributes[.size] as? NSNumber)?.intValue, size <= maxFileBytes
        else { throw EdgeError.routeNotFound(rawPath) }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let etag = "\"\(String(size, radix: 16))-\(String(Int64(modified * 1000), radix: 16))\""
        let type = ContentTypes.type(forPath: resolved)
        var headers: [(String, String)] = [
            ("ETag", etag),
            // HTML names the hashed assets of a build: revalidate it, cache the rest for an hour.
            ("Cache-Control", type.hasPrefix("text/html") ? "no-cache" : "public, max-age=3600"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if requestHeaders["if-none-match"].contains(where: { $0.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag } }) {
            return File(status: .notModified, headers: headers, body: [])
        }
        guard let data = FileManager.default.contents(atPath: resolved) else { throw EdgeError.routeNotFound(rawPath) }
        headers.insert(("Content-Type", type), at: 0)
        return File(status: .ok, headers: headers, body: Array(data))
    }

    /// The decoded path below the folder, or nil when a segment is unsafe.
    static func safeRelativePath(_ rawPath: String) -> String? {
        var segments: [String] = []
        for raw in rawPath.split(separator: "/", omittingEmptySubsequences: true) {
            guard let segment = RequestTarget.percentDecoded(raw, plusIsSpace: false),
                !segment.isEmpty, !segment.hasPrefix("."),
                !segment.contains("/"), !segment.contains("\\"), !segment.contains("\0")
            else { return nil }
            segments.append(segment)
        }
        return segments.joined(separator: "/")
    }
}

/// Content types of the files a web UI build holds, by extension.
enum ContentTypes {
    private static let byExtension: [String: String] = [
        "html": "text/html; charset=utf-8", "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "mjs": "text/javascript; charset=utf-8",
        "json": "application/json", "map": "application/json", "webmanifest": "application/manifest+json",
        "txt": "text/plain; charset=utf-8", "xml": "application/xml", "csv": "text/csv; charset=utf-8",
        "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
        "webp": "image/webp", "avif": "image/avif", "ico": "image/x-icon",
        "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf",
        "wasm": "application/wasm", "pdf": "application/pdf",
    ]

    static func type(forPath path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "application/octet-stream" }
        return byExtension[path[path.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }
}

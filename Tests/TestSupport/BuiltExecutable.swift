public import Foundation

/// An executable product that a test target depends on, which the build puts next to the test
/// bundle (a child process for tests that cannot run in the test process itself).
public enum BuiltExecutable {
    /// No executable of that name next to the test bundle.
    public struct Missing: Error, CustomStringConvertible {
        public let name: String
        public let searched: [String]

        public var description: String { "\(name) was not found in \(searched.joined(separator: ", "))" }
    }

    /// The path of `name` in the test bundle's folder or the one above it.
    public static func url(named name: String) throws -> URL {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var candidates = [testBinary.deletingLastPathComponent()]
        if let bundle = Bundle.main.executableURL?.deletingLastPathComponent() { candidates.append(bundle) }
        candidates += candidates.map { $0.deletingLastPathComponent() }
        for folder in candidates {
            let url = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw Missing(name: name, searched: candidates.map(\.path))
    }
}

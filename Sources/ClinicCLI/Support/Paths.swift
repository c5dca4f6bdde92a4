import Foundation

/// Where the `clinic` command finds the repository's certificate recipe and its defaults.
enum Paths {
    /// `Certs/generate.sh`: under `$CLINIC_ROOT`, the working directory or one of its parents,
    /// or a parent of the executable (`.build/release/clinic` sits inside the checkout).
    static func certificateScript() throws -> URL {
        for root in candidateRoots() {
            let script = root.appendingPathComponent("Certs/generate.sh")
            if FileManager.default.isExecutableFile(atPath: script.path) { return script }
        }
        throw CLIError("Certs/generate.sh not found: run clinic from the repository, or set CLINIC_ROOT")
    }

    /// The default certificates folder: `Certs/generated` next to the recipe.
    static func defaultCertificates() throws -> String {
        try certificateScript().deletingLastPathComponent().appendingPathComponent("generated").path
    }

    /// The certificates folder to use: the given one, or the default.
    static func certificates(_ given: String?) throws -> String {
        if let given { return absolute(given) }
        return try defaultCertificates()
    }

    /// `path` made absolute against the working directory (children may run elsewhere).
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }

    /// The running executable (children of `clinic up` are started from it).
    static func executable() -> URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }

    private static func candidateRoots() -> [URL] {
        var roots: [URL] = []
        if let root = ProcessInfo.processInfo.environment["CLINIC_ROOT"] { roots.append(URL(fileURLWithPath: root)) }
        for start in [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), executable().deletingLastPathComponent()] {
            var folder = start.standardizedFileURL
            for _ in 0..<8 {
                roots.append(folder)
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return roots
    }
}

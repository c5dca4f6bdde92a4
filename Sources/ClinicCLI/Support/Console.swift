import Foundation

/// Lines on standard output and standard error, written unbuffered: scripts and `clinic up`
/// read them through pipes (a buffered `print` would hold the `ready:` line back).
enum Console {
    /// One line on standard output.
    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// One line on standard error.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing secret files so that they are never readable by others and never seen half-written.
enum KeyFile {
    /// Creates `path` with `contents` and `mode` unless it exists; returns whether it created it.
    ///
    /// The bytes go to a temporary file in the same folder, created with `mode` from the start
    /// (never world-readable, not even for an instant) and synced; `link(2)` then publishes it under
    /// its name, failing with EEXIST if another process got there first.
    static func createExclusively(path: String, contents: [UInt8], mode: mode_t) throws(CryptoError) -> Bool {
        let temporary = path + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw CryptoError(.fileError, "cannot create \(temporary): \(errnoText())") }
        defer { unlink(temporary) }
        var failure: String?
        contents.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)  // non-empty: base exists.
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errnoText()
                    return
                }
                offset += written
            }
        }
        // The umask may have narrowed `mode`, never widened it; set it exactly anyway.
        if failure == nil, fchmod(descriptor, mode) != 0 { failure = errnoText() }
        if failure == nil, fsync(descriptor) != 0 { failure = errnoText() }
        close(descriptor)
        if let failure { throw CryptoError(.fileError, "cannot write \(temporary): \(failure)") }
        if link(temporary, path) == 0 { return true }
        if errno == EEXIST { return false }
        throw CryptoError(.fileError, "cannot create \(path): \(errnoText())")
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

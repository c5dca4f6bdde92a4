#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes length-prefixed response frames to a file descriptor (stdout), unbuffered, so the
/// runner sees each answer as soon as it is complete.
struct FrameWriter {
    /// The descriptor written to; the writer does not close it.
    let fileDescriptor: Int32

    /// Writes the prefix and `payload` as one buffer (one `write` for all but huge answers).
    func send(_ payload: [UInt8]) throws(FrameError) {
        let frame = Frame.header(count: payload.count) + payload
        let descriptor = fileDescriptor
        let failure: FrameError? = frame.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                // Force-unwrap: a frame always has its 4-byte header.
                let result = write(descriptor, raw.baseAddress! + written, raw.count - written)
                if result >= 0 {
                    written += result
                } else if errno != EINTR {
                    return FrameError(message: "writing stdout failed: \(String(cString: strerror(errno)))")
                }
            }
            return nil
        }
        if let failure { throw failure }
    }
}

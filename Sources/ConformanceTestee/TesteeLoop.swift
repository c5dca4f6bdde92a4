#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads requests and writes one response for each until the input ends.
///
/// Every request gets an answer, even one that cannot be decoded (a `runtime_error`), so the
/// runner never waits on a testee that silently dropped a frame.
struct TesteeLoop {
    let reader: FrameReader
    let writer: FrameWriter

    /// Runs to the end of the input; the process exit status: 0 at a clean end, 1 when the frame
    /// stream broke (the reason goes to stderr).
    func run() -> Int32 {
        var handled = 0
        do throws(FrameError) {
            while true {
                let response: [UInt8]
                switch try reader.next() {
                case .endOfInput:
                    return 0
                case .frame(let request):
                    response = RequestHandler.response(forRequest: request)
                case .oversized(let length):
                    response = RequestHandler.runtimeError(
                        "request of \(length) bytes exceeds the testee's limit of \(Frame.maxPayloadSize)")
                }
                try writer.send(response)
                handled += 1
            }
        } catch {
            Self.logError("conformance-testee: \(error) after \(handled) requests")
            return 1
        }
    }

    /// One line on stderr, which the runner passes through to its own output.
    private static func logError(_ message: String) {
        var line = message + "\n"
        line.withUTF8 { utf8 in _ = write(STDERR_FILENO, utf8.baseAddress, utf8.count) }
    }
}

// The conformance testee: answers the official protobuf conformance runner's requests on
// stdin/stdout until stdin ends. Nothing else may write to stdout: it carries the protocol.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// A runner that goes away mid-answer must end the loop with an error, not kill us with SIGPIPE.
signal(SIGPIPE, SIG_IGN)

let loop = TesteeLoop(
    reader: FrameReader(fileDescriptor: STDIN_FILENO),
    writer: FrameWriter(fileDescriptor: STDOUT_FILENO))
exit(loop.run())

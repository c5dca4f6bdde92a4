#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads length-prefixed request frames from a file descriptor (stdin), blocking.
struct FrameReader {
    /// What the next read found.
    enum Next: Equatable {
        /// One complete request payload.
        case frame([UInt8])
        /// A request longer than `Frame.maxPayloadSize`, read and discarded.
        case oversized(Int)
        /// The input ended cleanly between frames.
        case endOfInput
    }

    /// The descriptor read from; the reader does not close it.
    let fileDescriptor: Int32

    /// The next frame. Throws when the input ends inside a frame or a read fails.
    func next() throws(FrameError) -> Next {
        var header = [UInt8](repeating: 0, count: Frame.headerSize)
        let headerRead = try readFully(into: &header)
        if headerRead == 0 { return .endOfInput }
        guard headerRead == Frame.headerSize else {
            throw FrameError(message: "input ends inside a frame header (\(headerRead) of 4 bytes)")
        }
        let length = Frame.length(header: header)
        guard length <= Frame.maxPayloadSize else {
            try discard(length)
            return .oversized(length)
        }
        var payload = [UInt8](repeating: 0, count: length)
        let payloadRead = try readFully(into: &payload)
        guard payloadRead == length else {
            throw FrameError(message: "input ends inside a frame (\(payloadRead) of \(length) bytes)")
        }
        return .frame(payload)
    }

    /// Fills `buffer` unless the input ends first; returns the bytes read.
    private func readFully(into buffer: inout [UInt8]) throws(FrameError) -> Int {
        let count = buffer.count
        let descriptor = fileDescriptor
        let result: Result<Int, FrameError> = buffer.withUnsafeMutableBytes { raw in
            var filled = 0
            while filled < count {
                // Force-unwrap: `count > 0` inside the loop, so the buffer has storage.
                let got = read(descriptor, raw.baseAddress! + filled, count - filled)
                if got > 0 {
                    filled += got
                } else if got == 0 {
                    break
                } else if errno != EINTR {
                    return .failure(FrameError(message: "reading stdin failed: \(String(cString: strerror(errno)))"))
                }
            }
            return .success(filled)
        }
        return try result.get()
    }

    /// Reads and drops `count` bytes in bounded chunks.
    private func discard(_ count: Int) throws(FrameError) {
        var remaining = count
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while remaining > 0 {
            if remaining < chunk.count { chunk = [UInt8](repeating: 0, count: remaining) }
            let got = try readFully(into: &chunk)
            guard got == chunk.count else {
                throw FrameError(message: "input ends inside an oversized frame of \(count) bytes")
            }
            remaining -= got
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One reusable first chunk per thread for `ProtoArena.withScratch`.
///
/// A stack chunk larger than 1 KiB is a heap allocation in disguise (`withUnsafeTemporaryAllocation`
/// falls back to `malloc` above that on Linux), and a fresh `malloc` + `free` of 16 KiB costs
/// more than encoding a small message. The chunk is taken for the length of one synchronous
/// encode or decode and given back; a nested use on the same thread finds it taken and starts on
/// the stack instead. Freed when its thread exits.
enum ScratchChunk {
    /// Bytes in a chunk: enough for the C tree of typical messages and their packed bytes.
    static let size = 16 * 1024

    /// The header in front of each chunk.
    private struct Header {
        var inUse: Bool
    }

    private static let headerSize = 16

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        // Force-unwrap-free: a failing pthread_key_create leaves key at 0, whose get/set fail
        // harmlessly (take() then returns nil every time and arenas start on the stack).
        pthread_key_create(&key) { block in free(block) }
        return key
    }()

    /// The calling thread's chunk, marked in use; nil while it is already in use (or when no
    /// memory could be had for it).
    @inline(__always)
    static func take() -> UnsafeMutableRawPointer? {
        let key = self.key
        guard let block = pthread_getspecific(key) else { return install(key) }
        let header = block.assumingMemoryBound(to: Header.self)
        guard !header.pointee.inUse else { return nil }
        header.pointee.inUse = true
        return block + headerSize
    }

    /// Marks the chunk `take()` returned free again.
    @inline(__always)
    static func giveBack(_ chunk: UnsafeMutableRawPointer) {
        (chunk - headerSize).assumingMemoryBound(to: Header.self).pointee.inUse = false
    }

    @inline(never)
    private static func install(_ key: pthread_key_t) -> UnsafeMutableRawPointer? {
        guard let block = malloc(headerSize + size) else { return nil }
        block.bindMemory(to: Header.self, capacity: 1).initialize(to: Header(inUse: true))
        guard pthread_setspecific(key, block) == 0 else {
            free(block)
            return nil
        }
        return block + headerSize
    }
}

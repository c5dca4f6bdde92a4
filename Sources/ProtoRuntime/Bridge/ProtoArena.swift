internal import CProtobufC

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A bump allocator that owns every byte of a C message tree.
///
/// Encoding builds the protobuf-c struct tree inside one arena, packs it, and frees the arena in one
/// go: no per-field `malloc`/`free`, and nothing to leak when a conversion throws halfway.
/// Decoding hands the arena to protobuf-c as its allocator, so unpack costs no `malloc` per string
/// or sub-message and the message needs no `free_unpacked` walk. Never hand an arena-built
/// message to `free_unpacked`.
public struct ProtoArena: ~Copyable {
    // @usableFromInline: generated code inlines the bump allocation (it runs for every field).
    @usableFromInline var chunk: UnsafeMutableRawPointer?
    @usableFromInline var used = 0
    @usableFromInline var capacity = 0
    /// An upper bound of the packed size of the message tree built so far, kept by generated
    /// `_writeC` (see `addPackedSizeBound`), so encoding can pack without protobuf-c's
    /// `get_packed_size` walk.
    @usableFromInline var packedSizeBound = 0
    /// Whether `chunk` came from `malloc` (not from the caller's scratch memory).
    private var ownsChunk = true
    /// Earlier chunks, freed on deinit. Rare: the first chunk fits typical messages.
    private var retired: [UnsafeMutableRawPointer] = []
    /// Bytes handed out in chunks before the current one (for the decoded-size budget).
    private var usedBefore = 0
    /// Most bytes protobuf-c may allocate through `withCAllocator`, and whether it asked for more.
    private var budget = Int.max
    private(set) var budgetExceeded = false

    private static let firstChunkSize = 4096
    /// Enough for every C scalar and pointer protobuf-c stores.
    @usableFromInline static let alignment = 8

    /// An empty arena; the first allocation maps the first chunk.
    public init() {}

    /// An arena that allocates from `scratch` first (the caller keeps it alive and frees it).
    private init(scratch: UnsafeMutableRawBufferPointer) {
        chunk = scratch.baseAddress
        capacity = scratch.count
        ownsChunk = false
    }

    deinit {
        if ownsChunk { free(chunk) }
        for block in retired { free(block) }
    }

    /// Runs `body` with an arena whose first chunk is the calling thread's scratch chunk (kept
    /// from one call to the next), so a typical encode or decode calls `malloc` only for its
    /// result. Nothing allocated in the arena may escape `body`.
    static func withScratch<R, E: Error>(_ body: (inout ProtoArena) throws(E) -> R) throws(E) -> R {
        if let scratch = ScratchChunk.take() {
            defer { ScratchChunk.giveBack(scratch) }
            var arena = ProtoArena(scratch: UnsafeMutableRawBufferPointer(start: scratch, count: ScratchChunk.size))
            return try body(&arena)
        }
        // The thread's chunk is in use further up the stack: start on the stack instead (up to
        // 1 KiB is always stack memory; more would be a heap allocation anyway).
        let result = withUnsafeTemporaryAllocation(byteCount: 1024, alignment: 16) { scratch in
            var arena = ProtoArena(scratch: scratch)
            return Result { () throws(E) -> R in try body(&arena) }
        }
        return try result.get()
    }

    /// Adds `bytes` to the bound of the packed size (generated `_writeC` calls it per message
    /// with its fixed part: tags, length prefixes, widest scalars).
    @inlinable @inline(__always)
    public mutating func addPackedSizeBound(_ bytes: Int) {
        packedSizeBound &+= bytes
    }

    /// Runs `body` with a protobuf-c allocator that allocates in this arena and frees nothing.
    ///
    /// The rest of the current chunk is handed to a C bump allocator; when it runs out, the arena
    /// grows and hands over the new chunk. Afterwards the arena takes back what was left. At most
    /// `budget` bytes are handed out: past it the allocator returns NULL (protobuf-c's unpack then
    /// fails) and `budgetExceeded` is set.
    mutating func withCAllocator<R, E: Error>(
        budget: Int = .max,
        _ body: (UnsafeMutablePointer<ProtobufCAllocator>) throws(E) -> R
    ) throws(E) -> R {
        self.budget = usedBefore &+ used &+ min(budget, Int.max / 2)
        return try withUnsafeMutablePointer(to: &self) { (arena) throws(E) -> R in
            var bump = cprotobufc_bump(
                next: arena.pointee.chunk.map { ($0 + arena.pointee.used).assumingMemoryBound(to: CChar.self) },
                end: arena.pointee.chunk.map { ($0 + arena.pointee.budgetedEnd).assumingMemoryBound(to: CChar.self) },
                refill: { bump, size in
                    // Force-unwraps: protobuf-c passes back the allocator data, whose owner is the arena.
                    let arena = bump!.pointee.owner!.assumingMemoryBound(to: ProtoArena.self)
                    arena.pointee.reclaim(upTo: bump!.pointee.next)
                    guard arena.pointee.usedBefore &+ arena.pointee.used <= arena.pointee.budget &- size else {
                        arena.pointee.budgetExceeded = true
                        return nil
                    }
                    let block = arena.pointee.allocateUninitialized(bytes: size)
                    // The new chunk's rest continues the bump allocation.
                    bump!.pointee.next = (arena.pointee.chunk.unsafelyUnwrapped + arena.pointee.used)
                        .assumingMemoryBound(to: CChar.self)
                    bump!.pointee.end = (arena.pointee.chunk.unsafelyUnwrapped + arena.pointee.budgetedEnd)
                        .assumingMemoryBound(to: CChar.self)
                    return block
                },
                owner: UnsafeMutableRawPointer(arena))
            return try withUnsafeMutablePointer(to: &bump) { (bump) throws(E) -> R in
                var allocator = ProtobufCAllocator(
                    alloc: cprotobufc_bump_alloc, free: cprotobufc_bump_free, allocator_data: UnsafeMutableRawPointer(bump))
                defer { arena.pointee.reclaim(upTo: bump.pointee.next) }
                return try withUnsafeMutablePointer(to: &allocator) { (allocator) throws(E) -> R in try body(allocator) }
            }
        }
    }

    /// Where the bump allocator must stop in the current chunk: its end, or earlier when the
    /// budget runs out inside it (the C fast path checks only against this end).
    private var budgetedEnd: Int {
        let left = budget &- usedBefore
        return left < capacity ? max(left, used) : capacity
    }

    /// Marks the current chunk used up to `next`, where a C bump allocator stopped.
    private mutating func reclaim(upTo next: UnsafeMutablePointer<CChar>?) {
        guard let chunk, let next else { return }
        used = UnsafeMutableRawPointer(next) - chunk
    }

    /// `count` bytes aligned for any C scalar or pointer, zeroed.
    @inlinable
    public mutating func allocate(bytes count: Int) -> UnsafeMutableRawPointer {
        let pointer = allocateUninitialized(bytes: count)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: count)
        return pointer
    }

    /// `count` bytes aligned for any C scalar or pointer, with undefined contents.
    @inlinable @inline(__always)
    mutating func allocateUninitialized(bytes count: Int) -> UnsafeMutableRawPointer {
        let size = (count &+ 7) & ~7
        if _slowPath(capacity &- used < size) { grow(atLeast: size) }
        // Unwrapped without a check: a capacity above zero means a chunk is installed.
        let pointer = chunk.unsafelyUnwrapped + used
        used &+= size
        return pointer
    }

    /// Storage for `count` values of `T`, zeroed.
    @inlinable
    public mutating func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        allocate(bytes: max(count, 1) * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: max(count, 1))
    }

    /// A C message of the described type, initialized by its `message_init` (descriptor set,
    /// defaults in place).
    public mutating func allocateMessage(_ descriptor: MessageDescriptor) -> UnsafeMutableRawPointer {
        // No zeroing: message_init writes the whole struct.
        let pointer = allocateUninitialized(bytes: descriptor.cSize)
        protobuf_c_message_init(descriptor.raw, pointer)
        return pointer
    }

    @usableFromInline
    mutating func grow(atLeast size: Int) {
        usedBefore &+= used
        if let chunk, ownsChunk { retired.append(chunk) }
        let newCapacity = max(Self.firstChunkSize, capacity * 2, size)
        // Force-unwrap: an allocation failure here is unrecoverable anyway.
        chunk = malloc(newCapacity)!
        ownsChunk = true
        capacity = newCapacity
        used = 0
    }
}

/// A fixed-capacity map that forgets its least recently used entry when full.
///
/// Entries live in arrays linked by index (a doubly linked list without per-node allocations), so
/// lookup, insertion, touch and eviction are O(1). Used for the prepared-statement cache of a
/// connection and for the open databases of the tenant pool.
struct LRUCache<Key: Hashable, Value> {
    private struct Node {
        var key: Key
        var value: Value
        var newer: Int?
        var older: Int?
    }

    /// The most entries kept; inserting beyond it evicts the least recently used one.
    let capacity: Int
    private var nodes: [Node?] = []
    private var freeSlots: [Int] = []
    private var slotByKey: [Key: Int] = [:]
    private var newest: Int?
    private var oldest: Int?

    /// An empty cache; a capacity below 1 is treated as 1.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The number of entries.
    var count: Int { slotByKey.count }

    /// Whether the cache holds nothing.
    var isEmpty: Bool { slotByKey.isEmpty }

    /// The value for `key`, marking it most recently used.
    mutating func value(for key: Key) -> Value? {
        guard let slot = slotByKey[key] else { return nil }
        moveToNewest(slot)
        return nodes[slot]?.value
    }

    /// The value for `key`, without changing the order.
    func peek(_ key: Key) -> Value? {
        slotByKey[key].flatMap { nodes[$0]?.value }
    }

    /// Whether `key` is present (does not change the order).
    func contains(_ key: Key) -> Bool { slotByKey[key] != nil }

    /// Stores `value` as the most recently used entry; returns the entry evicted to make room.
    @discardableResult
    mutating func insert(_ value: Value, for key: Key) -> (key: Key, value: Value)? {
        if let slot = slotByKey[key] {
            nodes[slot]?.value = value
            moveToNewest(slot)
            return nil
        }
        var evicted: (key: Key, value: Value)?
        if slotByKey.count >= capacity, let oldest {
            evicted = removeSlot(oldest)
        }
        let node = Node(key: key, value: value, newer: nil, older: newest)
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            nodes[slot] = node
        } else {
            slot = nodes.count
            nodes.append(node)
        }
        if let newest { nodes[newest]?.newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
        slotByKey[key] = slot
        return evicted
    }

    /// Removes `key`; returns its value if it was present.
    @discardableResult
    mutating func removeValue(for key: Key) -> Value? {
        guard let slot = slotByKey[key] else { return nil }
        return removeSlot(slot).value
    }

    /// Removes everything; returns the values, least recently used first.
    mutating func removeAll() -> [Value] {
        let values = entriesFromOldest.map(\.value)
        self = LRUCache(capacity: capacity)
        return values
    }

    /// The entries from least to most recently used.
    var entriesFromOldest: [(key: Key, value: Value)] {
        var result: [(key: Key, value: Value)] = []
        result.reserveCapacity(count)
        var cursor = oldest
        while let slot = cursor, let node = nodes[slot] {
            result.append((node.key, node.value))
            cursor = node.newer
        }
        return result
    }

    private mutating func moveToNewest(_ slot: Int) {
        guard slot != newest else { return }
        unlink(slot)
        nodes[slot]?.older = newest
        nodes[slot]?.newer = nil
        if let newest { nodes[newest]?.newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
    }

    private mutating func removeSlot(_ slot: Int) -> (key: Key, value: Value) {
        unlink(slot)
        // The slot is occupied: every caller found it through slotByKey or the list ends.
        let node = nodes[slot]!
        nodes[slot] = nil
        freeSlots.append(slot)
        slotByKey[node.key] = nil
        return (node.key, node.value)
    }

    private mutating func unlink(_ slot: Int) {
        guard let node = nodes[slot] else { return }
        if let newer = node.newer { nodes[newer]?.older = node.older } else { newest = node.older }
        if let older = node.older { nodes[older]?.newer = node.newer } else { oldest = node.newer }
    }
}

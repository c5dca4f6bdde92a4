/// The per-stream state of one connection, by stream id: an open-addressing hash table with
/// linear probing, for the few to few hundred calls a connection has open.
///
/// It replaces `Dictionary<UInt32, …>` on the frame path, which hashed every id with seeded
/// SipHash: a call looked its stream up about 30 times (validator, state machines), and the
/// hashing was most of that cost. Ids hash by one multiplication (Fibonacci hashing). SipHash's
/// seed defends a dictionary against keys chosen to collide; here the table never holds more than
/// the connection's concurrent-stream limit, so colliding ids a hostile peer picks can cost at
/// most that many probes per lookup, never unbounded work.
///
/// Stream id 0 (the connection) is never a key: it marks an empty slot.
///
/// Public and `@inlinable` (not `package`) so that RPCTransport's state machines get it
/// specialized for their stream types: with `@inlinable package` members Swift 6.3 called the
/// generic code across the module boundary (type metadata looked up on every lookup), which made
/// the table slower than the dictionary it replaces (measured, docs/BENCHMARKS.md).
public struct StreamTable<Value> {
    @usableFromInline var keys: [UInt32]
    @usableFromInline var values: [Value?]
    @usableFromInline var bits: Int
    @usableFromInline var storedCount = 0

    @inlinable public var count: Int { storedCount }

    @inlinable public init() {
        bits = 3
        keys = [UInt32](repeating: 0, count: 1 << bits)
        values = [Value?](repeating: nil, count: 1 << bits)
    }

    @inlinable public var isEmpty: Bool { count == 0 }

    @inlinable var mask: Int { (1 << bits) - 1 }

    @inlinable func home(of key: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
    }

    /// The slot holding `key`, if any.
    @inlinable func slot(of key: UInt32) -> Int? {
        // 0 marks empty slots, so it would "match" one: it is never in the table.
        guard key != 0 else { return nil }
        var index = home(of: key)
        while true {
            let found = keys[index]
            if found == key { return index }
            if found == 0 { return nil }
            index = (index + 1) & mask
        }
    }

    @inlinable public func contains(_ key: UInt32) -> Bool { slot(of: key) != nil }

    @inlinable public subscript(key: UInt32) -> Value? {
        get { slot(of: key).flatMap { values[$0] } }
        set {
            if let newValue {
                insert(newValue, for: key)
            } else {
                _ = removeValue(forKey: key)
            }
        }
        _modify {
            // The value is moved out while it is changed, so a struct holding buffers is changed
            // in place (uniquely referenced), as with `Dictionary`.
            if let index = slot(of: key) {
                var value = values[index].take()
                defer {
                    if let value { values[index] = value } else { remove(at: index) }
                }
                yield &value
            } else {
                var value: Value? = nil
                defer {
                    if let value { insert(value, for: key) }
                }
                yield &value
            }
        }
    }

    /// Removes and returns the value for `key`.
    @inlinable @discardableResult
    public mutating func removeValue(forKey key: UInt32) -> Value? {
        guard let index = slot(of: key) else { return nil }
        let value = values[index]
        remove(at: index)
        return value
    }

    @inlinable public mutating func removeAll() {
        guard count > 0 else { return }
        for index in keys.indices {
            keys[index] = 0
            values[index] = nil
        }
        storedCount = 0
    }

    /// The ids in the table (in no particular order).
    @inlinable public var ids: [UInt32] { keys.filter { $0 != 0 } }

    /// The values in the table (in no particular order).
    @inlinable public var allValues: [Value] { values.compactMap { $0 } }

    @inlinable mutating func insert(_ value: Value, for key: UInt32) {
        precondition(key != 0, "stream id 0 is the connection, never a stream")
        if let index = slot(of: key) {
            values[index] = value
            return
        }
        if (count + 1) * 2 > keys.count { grow() }
        var index = home(of: key)
        while keys[index] != 0 { index = (index + 1) & mask }
        keys[index] = key
        values[index] = value
        storedCount += 1
    }

    /// Empties `index` and moves later entries of its probe run back, so lookups need no
    /// tombstones (backward-shift deletion).
    @inlinable mutating func remove(at index: Int) {
        var hole = index
        keys[hole] = 0
        values[hole] = nil
        storedCount -= 1
        var next = (hole + 1) & mask
        while keys[next] != 0 {
            let home = home(of: keys[next])
            // Move the entry into the hole unless its home lies after the hole (cyclically).
            if (next - home) & mask >= (next - hole) & mask {
                keys[hole] = keys[next]
                values[hole] = values[next].take()
                keys[next] = 0
                hole = next
            }
            next = (next + 1) & mask
        }
    }

    @usableFromInline mutating func grow() {
        let oldKeys = keys
        var oldValues = values
        bits += 1
        keys = [UInt32](repeating: 0, count: 1 << bits)
        values = [Value?](repeating: nil, count: 1 << bits)
        storedCount = 0
        for index in oldKeys.indices where oldKeys[index] != 0 {
            if let value = oldValues[index].take() { insert(value, for: oldKeys[index]) }
        }
    }
}

extension StreamTable: Sequence {
    public struct Iterator: IteratorProtocol {
        @usableFromInline let table: StreamTable
        @usableFromInline var index = 0

        @inlinable init(table: StreamTable) { self.table = table }

        @inlinable public mutating func next() -> (id: UInt32, value: Value)? {
            while index < table.keys.count {
                defer { index += 1 }
                if table.keys[index] != 0, let value = table.values[index] { return (table.keys[index], value) }
            }
            return nil
        }
    }

    @inlinable public func makeIterator() -> Iterator { Iterator(table: self) }

    @inlinable public var underestimatedCount: Int { count }
}

extension StreamTable: Sendable where Value: Sendable {}

extension StreamTable where Value == Void {
    /// Adds `id` (a set of ids).
    @inlinable public mutating func insert(_ id: UInt32) { self[id] = () }

    /// Removes `id`; true when it was there.
    @inlinable @discardableResult
    public mutating func remove(_ id: UInt32) -> Bool { removeValue(forKey: id) != nil }
}

@testable import RPCWire
import Testing

/// `StreamTable` against `Dictionary`: the same answers for every sequence of operations,
/// including ids that collide and removals inside probe runs.
@Suite("Stream table")
struct StreamTableTests {
    @Test func storesFindsAndRemovesValues() {
        var table = StreamTable<String>()
        #expect(table.isEmpty)
        table[1] = "one"
        table[3] = "three"
        #expect(table[1] == "one")
        #expect(table[3] == "three")
        #expect(table[5] == nil)
        #expect(table.count == 2)
        table[1] = "uno"
        #expect(table[1] == "uno")
        #expect(table.count == 2)
        let removed = table.removeValue(forKey: 1)
        #expect(removed == "uno")
        let again = table.removeValue(forKey: 1)
        #expect(again == nil)
        table[3] = nil
        #expect(table.isEmpty)
    }

    @Test func changesAValueInPlace() {
        var table = StreamTable<[Int]>()
        table[7] = [1]
        table[7]?.append(2)
        #expect(table[7] == [1, 2])
        // Setting nil through the in-place path removes; setting a value on a missing id inserts.
        table[7] = nil
        #expect(table[7] == nil)
        table[9]?.append(1)
        #expect(table[9] == nil)
    }

    @Test func growsAndKeepsEveryEntry() {
        var table = StreamTable<UInt32>()
        for id in stride(from: UInt32(1), through: 2_001, by: 2) { table[id] = id * 10 }
        #expect(table.count == 1_001)
        for id in stride(from: UInt32(1), through: 2_001, by: 2) { #expect(table[id] == id * 10) }
        #expect(Set(table.ids) == Set(stride(from: UInt32(1), through: 2_001, by: 2)))
        #expect(table.allValues.count == 1_001)
        #expect(Dictionary(uniqueKeysWithValues: table.map { ($0.id, $0.value) }).count == 1_001)
        table.removeAll()
        #expect(table.isEmpty)
        #expect(table[1] == nil)
    }

    @Test func randomOperationsMatchADictionary() {
        var generator = SplitMix64(seed: 0x5EED)
        var table = StreamTable<Int>()
        var reference: [UInt32: Int] = [:]
        // Few distinct ids, so that probe runs overlap and removals shift entries back.
        for step in 0..<20_000 {
            let id = UInt32(generator.next() % 64) * 2 + 1
            switch generator.next() % 4 {
            case 0, 1:
                table[id] = step
                reference[id] = step
            case 2:
                let removed = table.removeValue(forKey: id)
                #expect(removed == reference.removeValue(forKey: id))
            default:
                table[id]? += 1
                reference[id]? += 1
            }
            #expect(table[id] == reference[id])
            #expect(table.count == reference.count)
        }
        for (id, value) in reference { #expect(table[id] == value) }
        #expect(Set(table.ids) == Set(reference.keys))
    }

    @Test func theConnectionsIdZeroIsNeverFound() {
        var table = StreamTable<Int>()
        #expect(!table.contains(0))
        #expect(table[0] == nil)
        table[1] = 1
        #expect(!table.contains(0))
        let removed = table.removeValue(forKey: 0)
        #expect(removed == nil)
        #expect(table.count == 1)
        let open = StreamTable<Void>()
        #expect(!open.contains(0))
    }

    @Test func aSetOfIds() {
        var open = StreamTable<Void>()
        open.insert(5)
        #expect(open.contains(5))
        #expect(!open.contains(7))
        let first = open.remove(5)
        let second = open.remove(5)
        #expect(first)
        #expect(!second)
        #expect(open.isEmpty)
    }
}

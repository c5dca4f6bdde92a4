import PropertyBased
@testable import Storage
import Testing

@Suite("LRU cache")
struct LRUCacheTests {
    @Test func evictsTheLeastRecentlyUsedEntry() {
        var cache = LRUCache<String, Int>(capacity: 2)
        #expect(cache.insert(1, for: "a") == nil)
        #expect(cache.insert(2, for: "b") == nil)
        #expect(cache.value(for: "a") == 1)  // a is now the most recent
        let evicted = cache.insert(3, for: "c")
        #expect(evicted?.key == "b" && evicted?.value == 2)
        #expect(cache.entriesFromOldest.map(\.key) == ["a", "c"])
    }

    @Test func peekDoesNotTouchAndUpdateDoesNotEvict() {
        var cache = LRUCache<String, Int>(capacity: 2)
        cache.insert(1, for: "a")
        cache.insert(2, for: "b")
        #expect(cache.peek("a") == 1)
        #expect(cache.insert(10, for: "b") == nil)
        #expect(cache.entriesFromOldest.map(\.key) == ["a", "b"])
        #expect(cache.removeValue(for: "a") == 1)
        #expect(cache.removeValue(for: "a") == nil)
        #expect(cache.count == 1 && cache.peek("b") == 10)
        #expect(cache.removeAll() == [10])
        #expect(cache.isEmpty)
    }

    /// Random operations against a plain array model (most recent last).
    @Test func behavesLikeAModel() async {
        let operations = Gen<Int>.int(in: 0...2).array(of: 0...200)
        await propertyCheck(input: operations, Gen<Int>.int(in: 1...5)) { ops, capacity in
            var cache = LRUCache<Int, Int>(capacity: capacity)
            var model: [(key: Int, value: Int)] = []
            for (step, op) in ops.enumerated() {
                let key = step % 7
                switch op {
                case 0:
                    let evicted = cache.insert(step, for: key)
                    if let index = model.firstIndex(where: { $0.key == key }) {
                        model.remove(at: index)
                        #expect(evicted == nil)
                    } else if model.count == capacity {
                        let oldest = model.removeFirst()
                        #expect(evicted?.key == oldest.key && evicted?.value == oldest.value)
                    }
                    model.append((key, step))
                case 1:
                    let value = cache.value(for: key)
                    if let index = model.firstIndex(where: { $0.key == key }) {
                        let entry = model.remove(at: index)
                        model.append(entry)
                        #expect(value == entry.value)
                    } else {
                        #expect(value == nil)
                    }
                default:
                    let removed = cache.removeValue(for: key)
                    let index = model.firstIndex(where: { $0.key == key })
                    #expect(removed == index.map { model[$0].value })
                    if let index { model.remove(at: index) }
                }
                #expect(cache.entriesFromOldest.map(\.key) == model.map(\.key))
            }
        }
    }
}

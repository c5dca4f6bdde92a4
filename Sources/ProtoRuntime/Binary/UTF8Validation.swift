/// UTF-8 well-formedness (Unicode's Table 3-7) checked in place, without building a `String`:
/// the wire scanner runs it on every string field before protobuf-c sees the bytes.
enum UTF8Validation {
    /// What a string field's bytes hold.
    enum Verdict: Equatable {
        case valid
        /// Well-formed, but with a NUL, which protobuf-c's C strings would cut at.
        case containsNUL
        case invalid
    }

    /// Whether `bytes` are well-formed UTF-8 (NUL included).
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        classify(bytes) != .invalid
    }

    /// Whether `bytes` hold a NUL, checked eight bytes at a time.
    static func containsNUL(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let count = bytes.count
        guard count >= 8 else {
            for index in 0..<count where base[index] == 0 { return true }
            return false
        }
        func hasZero(_ offset: Int) -> Bool {
            let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
            return (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
        }
        var index = 0
        while index &+ 8 <= count {
            if hasZero(index) { return true }
            index &+= 8
        }
        // The tail as one more word, overlapping bytes already checked.
        return index < count && hasZero(count &- 8)
    }

    /// Classifies `bytes`, eight ASCII bytes at a time where it can.
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> Verdict {
        guard let base = bytes.baseAddress else { return .valid }
        let count = bytes.count
        var index = 0
        var sawNUL = false
        while index < count {
            // The common case: words of ASCII without NUL.
            while index &+ 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let hasHigh = word & 0x8080_8080_8080_8080 != 0
                let hasZero = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
                if hasHigh || hasZero { break }
                index &+= 8
            }
            guard index < count else { break }
            let lead = base[index]
            switch lead {
            case 0:
                sawNUL = true
                index &+= 1
            case 0x01...0x7F:
                index &+= 1
            case 0xC2...0xDF:
                guard continuation(base, count, index &+ 1) else { return .invalid }
                index &+= 2
            case 0xE0...0xEF:
                // E0 needs A0..BF next (no overlong forms); ED needs 80..9F (no surrogates).
                let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80, high: UInt8 = lead == 0xED ? 0x9F : 0xBF
                guard index &+ 2 < count, (low...high).contains(base[index &+ 1]), continuation(base, count, index &+ 2)
                else { return .invalid }
                index &+= 3
            case 0xF0...0xF4:
                // F0 needs 90..BF next (no overlong forms); F4 needs 80..8F (nothing past U+10FFFF).
                let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80, high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
                guard index &+ 3 < count, (low...high).contains(base[index &+ 1]), continuation(base, count, index &+ 2),
                    continuation(base, count, index &+ 3)
                else { return .invalid }
                index &+= 4
            default:
                return .invalid
            }
        }
        return sawNUL ? .containsNUL : .valid
    }

    @inline(__always)
    private static func continuation(_ base: UnsafePointer<UInt8>, _ count: Int, _ index: Int) -> Bool {
        index < count && base[index] & 0xC0 == 0x80
    }
}

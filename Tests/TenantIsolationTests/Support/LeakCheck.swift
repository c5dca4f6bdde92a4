import RPCCore

/// Texts that must not appear in what a caller of the other clinic gets back.
struct LeakCheck: Sendable {
    /// How strict a check is.
    enum Rule: Sendable, Hashable {
        /// Nothing of the target clinic: no id, no text (the call acted in the caller's own clinic).
        case nothing
        /// A public read of the target clinic: its public texts (clinic, doctor) are fine, nothing private.
        case publicOnly
        /// The caller's own clinic's audit log, which records the caller's own refused attempts
        /// with the ids the caller sent: ids are fine, no private text.
        case idsEchoed
    }

    var privateTexts: [String]
    var privateIDs: [String]
    var publicTexts: [String]

    init(_ world: ClinicWorld) {
        privateTexts = world.privateTexts
        privateIDs = world.privateIDs
        publicTexts = world.publicTexts
    }

    /// The forbidden texts found in `bytes` under `rule`.
    func leaks(in bytes: [UInt8], rule: Rule) -> [String] {
        var forbidden = privateTexts
        if rule != .idsEchoed { forbidden += privateIDs }
        if rule == .nothing { forbidden += publicTexts }
        return forbidden.filter { !$0.isEmpty && bytes.contains(subsequence: Array($0.utf8)) }
    }

    /// The forbidden texts found in an outcome: the response messages, or an error's message
    /// (which may echo the caller's own ids, never the target's private texts).
    func leaks(in outcome: CallOutcome, rule: Rule) -> [String] {
        switch outcome {
        case .success(let messages): return leaks(in: Array(messages.joined()), rule: rule)
        case .failure(let error): return leaks(in: Array(error.message.utf8), rule: .idsEchoed)
        case .invalidRequest: return []
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in the bytes.
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        let first = needle[0]
        var index = startIndex
        while index <= count - needle.count {
            if self[index] == first, self[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}

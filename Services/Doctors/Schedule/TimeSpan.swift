/// A half-open interval of absolute time [start, end) in whole seconds since 1970 (UTC).
struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    var start: Int64
    var end: Int64

    init(_ start: Int64, _ end: Int64) {
        self.start = start
        self.end = end
    }

    var isEmpty: Bool { end <= start }
    var duration: Int64 { end - start }

    /// Whether the spans share at least one instant (touching ends do not).
    func overlaps(_ other: TimeSpan) -> Bool { start < other.end && other.start < end }

    /// Whether `other` lies entirely inside this span.
    func contains(_ other: TimeSpan) -> Bool { start <= other.start && other.end <= end }

    /// The common part, or nil.
    func intersection(_ other: TimeSpan) -> TimeSpan? {
        let common = TimeSpan(max(start, other.start), min(end, other.end))
        return common.isEmpty ? nil : common
    }

    /// What is left of this span once every span of `holes` is cut out, in order.
    func subtracting(_ holes: [TimeSpan]) -> [TimeSpan] {
        var pieces = [self]
        for hole in holes where !hole.isEmpty {
            pieces = pieces.flatMap { piece -> [TimeSpan] in
                guard piece.overlaps(hole) else { return [piece] }
                return [TimeSpan(piece.start, hole.start), TimeSpan(hole.end, piece.end)].filter { !$0.isEmpty }
            }
        }
        return pieces
    }

    static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { (lhs.start, lhs.end) < (rhs.start, rhs.end) }

    var description: String { "[\(start), \(end))" }
}

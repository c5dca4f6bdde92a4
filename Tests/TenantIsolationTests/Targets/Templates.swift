/// JSON pieces the targets share (the test clock starts on Thursday 20 March 2025).
enum Templates {
    /// The week of Monday 24 March 2025 (a `DateRange`).
    static let week = #"{"startDate": {"year": 2025, "month": 3, "day": 24}, "endDate": {"year": 2025, "month": 3, "day": 30}}"#
    /// A month around the seeded appointments (an `Interval`, under the 92-day listing limit).
    static let month = #"{"startTime": "2025-03-20T00:00:00Z", "endTime": "2025-04-20T00:00:00Z"}"#
    /// A free slot of every seeded doctor: Wednesday 26 March 2025, 09:00 in Paris.
    static let freeSlot = "2025-03-26T08:00:00Z"
    /// The next one.
    static let nextFreeSlot = "2025-03-26T08:30:00Z"
}

import Foundation
import WellKnownTypes

extension Google_Protobuf_Timestamp {
    /// The timestamp of `date` (millisecond precision, as stored).
    init(_ date: Date) {
        self.init()
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        nanos = Int32(milliseconds - seconds * 1000) * 1_000_000
    }
}

import Foundation
import WellKnownTypes

extension Google_Protobuf_Timestamp {
    /// The timestamp of `date` at millisecond precision, rounded to the nearest as storage does.
    init(_ date: Date) {
        self.init()
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        nanos = Int32(milliseconds - seconds * 1000) * 1_000_000
    }
}

import ClinicAPI
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

    /// The timestamp of `seconds` since 1970.
    init(seconds: Int64) {
        self.init()
        self.seconds = seconds
    }
}

extension Google_Protobuf_Duration {
    /// A duration of whole `seconds`.
    init(seconds: Int) {
        self.init()
        self.seconds = Int64(seconds)
    }
}

extension Clinic_Common_V1_Interval {
    /// The interval of `span`.
    init(_ span: TimeSpan) {
        self.init()
        startTime = Google_Protobuf_Timestamp(seconds: span.start)
        endTime = Google_Protobuf_Timestamp(seconds: span.end)
    }
}

extension Clinic_Common_V1_Date {
    /// The date of `date`.
    init(_ date: LocalDate) {
        self.init()
        year = Int32(date.year)
        month = Int32(date.month)
        day = Int32(date.day)
    }
}

extension Clinic_Common_V1_TimeOfDay {
    /// The time `secondOfDay` seconds after midnight (86400 is written 00:00, the end of the day).
    init(secondOfDay: Int) {
        self.init()
        let second = secondOfDay % 86_400
        hours = Int32(second / 3600)
        minutes = Int32(second % 3600 / 60)
        seconds = Int32(second % 60)
    }
}

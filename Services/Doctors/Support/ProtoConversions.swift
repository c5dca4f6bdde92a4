import ClinicAPI
import Foundation
import WellKnownTypes

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

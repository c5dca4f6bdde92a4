import ClinicAPI
import Foundation
import Platform
import ProtoRuntime
import RPCCore
import WellKnownTypes

extension Clinic_Common_V1_PersonName {
    /// The name with its parts trimmed and the display name computed (output only in requests).
    var normalized: Clinic_Common_V1_PersonName {
        var name = Clinic_Common_V1_PersonName()
        name.givenName = givenName.trimmingCharacters(in: .whitespacesAndNewlines)
        name.familyName = familyName.trimmingCharacters(in: .whitespacesAndNewlines)
        name.prefix = prefix.trimmingCharacters(in: .whitespacesAndNewlines)
        name.displayName = name.formatted
        return name
    }
}

/// Request checks beyond the generated field rules; each failure is `invalid_argument` naming the field.
enum RequestCheck {
    /// An `invalid_argument` error naming `field`.
    static func invalid(_ field: String, _ reason: String) -> RPCError {
        RPCError(invalidArgument: ValidationError(fieldPath: field, reason: reason))
    }

    /// A name with a given or a family name (after trimming).
    static func name(_ name: Clinic_Common_V1_PersonName?, field: String) throws(RPCError) -> Clinic_Common_V1_PersonName {
        guard let name else { throw invalid(field, "is required") }
        let normalized = name.normalized
        guard !normalized.givenName.isEmpty || !normalized.familyName.isEmpty else {
            throw invalid(field, "needs a given or a family name")
        }
        return normalized
    }

    /// A birth date: a real calendar date, not after `today`, as `YYYY-MM-DD`.
    static func birthDate(_ date: Clinic_Common_V1_Date?, field: String, today: Date) throws(RPCError) -> CalendarDay {
        guard let date else { throw invalid(field, "is required") }
        guard let day = CalendarDay(date) else { throw invalid(field, "is not a calendar date") }
        guard day <= CalendarDay(utcDayOf: today) else { throw invalid(field, "is in the future") }
        return day
    }

    /// The page size of a request: `requested` when set, else `defaultSize`.
    static func pageSize(_ requested: Int32, default defaultSize: Int) -> Int {
        requested > 0 ? Int(requested) : defaultSize
    }

    /// The instant of an optional timestamp, checked.
    static func instant(_ timestamp: Google_Protobuf_Timestamp?, field: String) throws(RPCError) -> Date? {
        guard let timestamp else { return nil }
        guard timestamp.isValid else { throw invalid(field, "is not a valid timestamp") }
        return timestamp.date
    }
}

/// A calendar day without a time zone (a birth date), stored as `YYYY-MM-DD` so it sorts as text.
struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    let year: Int
    let month: Int
    let day: Int

    /// The day of `date`, or nil when it is not a calendar date.
    init?(_ date: Clinic_Common_V1_Date) {
        self.init(year: Int(date.year), month: Int(date.month), day: Int(date.day))
    }

    /// A checked day.
    init?(year: Int, month: Int, day: Int) {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...9999).contains(year), (1...12).contains(month), (1...days[month - 1]).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day `YYYY-MM-DD` names.
    init?(text: String) {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        self.init(year: parts[0], month: parts[1], day: parts[2])
    }

    /// The UTC calendar day of `instant`.
    init(utcDayOf instant: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!  // UTC always exists.
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        // Foundation's components of a real instant are a real day.
        self.init(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)!
    }

    /// The API's value.
    var proto: Clinic_Common_V1_Date {
        var date = Clinic_Common_V1_Date()
        date.year = Int32(year)
        date.month = Int32(month)
        date.day = Int32(day)
        return date
    }

    static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

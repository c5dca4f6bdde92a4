import ClinicAPI
import RPCCore

/// A calendar date checked to exist (2025-02-30 does not), ordered, with day arithmetic.
struct CalendarDay: Sendable, Hashable, Comparable {
    let year: Int
    let month: Int
    let day: Int

    /// The date of `date`, or `invalid_argument` naming `field` when it is missing or does not exist.
    init(_ date: Clinic_Common_V1_Date?, field: String) throws(RPCError) {
        guard let date else { throw ClinicRules.invalid(field, "is required") }
        let (year, month, day) = (Int(date.year), Int(date.month), Int(date.day))
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysInMonth(year: year, month: month)).contains(day)
        else { throw ClinicRules.invalid(field, "is not a calendar date") }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's days_from_civil).
    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Whole days from `other` to this date.
    func daysSince(_ other: CalendarDay) -> Int { dayNumber - other.dayNumber }

    static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.dayNumber < rhs.dayNumber }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

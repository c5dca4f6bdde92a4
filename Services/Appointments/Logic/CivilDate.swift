/// A calendar day with no time zone (proleptic Gregorian), as `clinic.common.v1.Date` names one.
///
/// Arithmetic goes through the day number since 1970-01-01, so adding days, weekdays and ranges
/// never depend on a time zone or on Foundation's calendar.
struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    let year: Int
    let month: Int
    let day: Int

    /// A valid date, or nil (month 1...12, day within the month, leap years counted).
    init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` days after 1970-01-01 (negative: before).
    init(daysSinceEpoch days: Int) {
        // Howard Hinnant's civil_from_days: eras of 400 years, March-based years.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01.
    var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// ISO 8601 weekday: Monday 1 ... Sunday 7 (as `clinic.common.v1.DayOfWeek`).
    var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let offset = (daysSinceEpoch + 3) % 7
        return (offset < 0 ? offset + 7 : offset) + 1
    }

    /// The date `count` days later (earlier when negative).
    func adding(days count: Int) -> CivilDate {
        CivilDate(daysSinceEpoch: daysSinceEpoch + count)
    }

    /// The number of days in `month` of `year`.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
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

/// An inclusive range of calendar days.
struct CivilDateRange: Hashable, Sendable {
    let first: CivilDate
    let last: CivilDate

    /// A range; nil when `last` is before `first`.
    init?(first: CivilDate, last: CivilDate) {
        guard first <= last else { return nil }
        self.first = first
        self.last = last
    }

    /// How many days it holds.
    var dayCount: Int { last.daysSinceEpoch - first.daysSinceEpoch + 1 }

    /// Each day, in order.
    var days: [CivilDate] { (0..<dayCount).map { first.adding(days: $0) } }

    /// Whether `date` is in the range.
    func contains(_ date: CivilDate) -> Bool { first <= date && date <= last }
}

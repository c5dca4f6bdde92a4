/// The text forms of `google.protobuf.Timestamp` (RFC 3339) and `google.protobuf.Duration`
/// (`"1.5s"`), with the ranges the well-known types define.
enum JSONTime {
    /// 0001-01-01T00:00:00Z.
    static let minTimestampSeconds: Int64 = -62_135_596_800
    /// 9999-12-31T23:59:59Z.
    static let maxTimestampSeconds: Int64 = 253_402_300_799
    /// ±10,000 years.
    static let maxDurationSeconds: Int64 = 315_576_000_000

    // MARK: Timestamp

    /// `seconds`/`nanos` as `YYYY-MM-DDTHH:MM:SS[.fff|.ffffff|.fffffffff]Z`, or nil out of range.
    static func formatTimestamp(seconds: Int64, nanos: Int32) -> String? {
        guard (minTimestampSeconds...maxTimestampSeconds).contains(seconds), (0...999_999_999).contains(nanos) else {
            return nil
        }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(fromDays: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        text += fraction(nanos)
        return text + "Z"
    }

    /// Parses RFC 3339 with an upper-case `T`, a `Z` or `±HH:MM` offset and up to nine fractional
    /// digits; nil when malformed or outside 0001-01-01T00:00:00Z...9999-12-31T23:59:59.999999999Z.
    static func parseTimestamp(_ text: String) -> (seconds: Int64, nanos: Int32)? {
        let utf8 = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= utf8.count else { return nil }
            var value: Int64 = 0
            for byte in utf8[index..<index + width] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            index += width
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < utf8.count, utf8[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("T"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var nanos: Int64 = 0
        if expect(".") {
            var digits = 0
            while index < utf8.count, utf8[index] >= UInt8(ascii: "0"), utf8[index] <= UInt8(ascii: "9") {
                guard digits < 9 else { return nil }
                nanos = nanos * 10 + Int64(utf8[index] - UInt8(ascii: "0"))
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { nanos *= 10 }
        }
        var offsetSeconds: Int64 = 0
        if expect("Z") {
            // UTC
        } else if index < utf8.count, utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") {
            let sign: Int64 = utf8[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = number(2), expect(":"), let offsetMinutes = number(2),
                offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == utf8.count else { return nil }
        let seconds = days(fromYear: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
            - offsetSeconds
        guard (minTimestampSeconds...maxTimestampSeconds).contains(seconds) else { return nil }
        return (seconds, Int32(nanos))
    }

    // MARK: Duration

    /// `seconds`/`nanos` as `[-]S[.fff|.ffffff|.fffffffff]s`, or nil when out of range or the two
    /// parts have different signs.
    static func formatDuration(seconds: Int64, nanos: Int32) -> String? {
        guard (-maxDurationSeconds...maxDurationSeconds).contains(seconds), (-999_999_999...999_999_999).contains(nanos),
            !(seconds > 0 && nanos < 0), !(seconds < 0 && nanos > 0)
        else { return nil }
        let negative = seconds < 0 || nanos < 0
        return (negative ? "-" : "") + String(seconds.magnitude) + fraction(Int32(nanos.magnitude)) + "s"
    }

    /// Parses `[-]digits[.1-9 digits]s` within ±315,576,000,000 s.
    static func parseDuration(_ text: String) -> (seconds: Int64, nanos: Int32)? {
        var utf8 = Array(text.utf8)
        guard utf8.last == UInt8(ascii: "s") else { return nil }
        utf8.removeLast()
        var index = 0
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { index = 1 }
        var seconds: Int64 = 0
        var secondDigits = 0
        while index < utf8.count, utf8[index] >= UInt8(ascii: "0"), utf8[index] <= UInt8(ascii: "9") {
            seconds = seconds * 10 + Int64(utf8[index] - UInt8(ascii: "0"))
            secondDigits += 1
            index += 1
            // 13 digits already exceed the range; stop before Int64 could overflow.
            guard secondDigits <= 13 else { return nil }
        }
        guard secondDigits > 0 else { return nil }
        var nanos: Int64 = 0
        if index < utf8.count, utf8[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < utf8.count, utf8[index] >= UInt8(ascii: "0"), utf8[index] <= UInt8(ascii: "9") {
                guard digits < 9 else { return nil }
                nanos = nanos * 10 + Int64(utf8[index] - UInt8(ascii: "0"))
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { nanos *= 10 }
        }
        guard index == utf8.count, seconds <= maxDurationSeconds else { return nil }
        return negative ? (-seconds, Int32(-nanos)) : (seconds, Int32(nanos))
    }

    // MARK: Helpers

    /// 0, 3, 6 or 9 fractional digits: as few as show every non-zero digit.
    private static func fraction(_ nanos: Int32) -> String {
        if nanos == 0 { return "" }
        if nanos % 1_000_000 == 0 { return "." + pad(Int64(nanos / 1_000_000), 3) }
        if nanos % 1000 == 0 { return "." + pad(Int64(nanos / 1000), 6) }
        return "." + pad(Int64(nanos), 9)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][Int(month) - 1]
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func days(fromYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `days(fromYear:month:day:)` (`civil_from_days`).
    private static func civilDate(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

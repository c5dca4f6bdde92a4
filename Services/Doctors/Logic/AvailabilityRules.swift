import ClinicAPI
import RPCCore
import WellKnownTypes

/// Checks on weekly availability, exceptions and date ranges; each throws `invalid_argument`
/// naming the field.
enum AvailabilityRules {
    /// Slot lengths: 5 minutes to 8 hours, whole minutes.
    static let slotRange = 300...28_800
    /// The longest exception.
    static let maxExceptionSeconds: Int64 = 366 * 86_400
    /// The longest schedule request, in days.
    static let maxScheduleDays = 62

    /// The windows of a weekly availability, in weekday and start order.
    static func windows(_ input: [Clinic_Doctors_V1_AvailabilityWindow], field: String) throws(RPCError) -> [WeeklyWindow] {
        var windows: [(window: WeeklyWindow, index: Int)] = []
        for (index, entry) in input.enumerated() {
            let path = "\(field)[\(index)]"
            let weekday = Int(entry.dayOfWeek.protoNumber)
            guard (1...7).contains(weekday) else { throw DoctorRules.invalid("\(path).day_of_week", "is required") }
            let span = try wallClockSpan(entry.hours, field: "\(path).hours")
            let slot = try slotSeconds(entry.slotDuration, field: "\(path).slot_duration")
            guard slot <= span.count else {
                throw DoctorRules.invalid("\(path).slot_duration", "is longer than the window")
            }
            let window = WeeklyWindow(weekday: weekday, start: span.lowerBound, end: span.upperBound, slot: slot)
            if let other = windows.first(where: {
                $0.window.weekday == weekday && $0.window.start < window.end && window.start < $0.window.end
            }) {
                throw DoctorRules.invalid("\(path).hours", "overlaps \(field)[\(other.index)] on the same day")
            }
            windows.append((window, index))
        }
        return windows.map(\.window).sorted { ($0.weekday, $0.start) < ($1.weekday, $1.start) }
    }

    /// A wall-clock range as seconds of the day; an end of 00:00 is the end of the day.
    static func wallClockSpan(_ range: Clinic_Common_V1_TimeOfDayRange?, field: String) throws(RPCError) -> Range<Int> {
        guard let range else { throw DoctorRules.invalid(field, "is required") }
        guard let start = range.start else { throw DoctorRules.invalid("\(field).start", "is required") }
        guard let end = range.end else { throw DoctorRules.invalid("\(field).end", "is required") }
        let startSecond = Int(start.hours) * 3600 + Int(start.minutes) * 60 + Int(start.seconds)
        var endSecond = Int(end.hours) * 3600 + Int(end.minutes) * 60 + Int(end.seconds)
        if endSecond == 0 { endSecond = 86_400 }
        guard endSecond > startSecond else { throw DoctorRules.invalid("\(field).end", "must be after start") }
        return startSecond..<endSecond
    }

    /// A slot length in seconds: 5 minutes to 8 hours, whole minutes.
    static func slotSeconds(_ duration: Google_Protobuf_Duration?, field: String) throws(RPCError) -> Int {
        guard let duration else { throw DoctorRules.invalid(field, "is required") }
        guard duration.nanos == 0, duration.seconds % 60 == 0 else {
            throw DoctorRules.invalid(field, "must be a whole number of minutes")
        }
        guard duration.seconds >= Int64(slotRange.lowerBound), duration.seconds <= Int64(slotRange.upperBound) else {
            throw DoctorRules.invalid(field, "must be between 5 minutes and 8 hours")
        }
        return Int(duration.seconds)
    }

    /// The checked parts of a new exception: its kind, span and slot length (0 for time off).
    static func exception(_ input: Clinic_Doctors_V1_AvailabilityException?, field: String) throws(RPCError) -> (ExceptionRecord.Kind, TimeSpan, Int) {
        guard let input else { throw DoctorRules.invalid(field, "is required") }
        let kind: ExceptionRecord.Kind
        switch input.kind {
        case .timeOff: kind = .timeOff
        case .extraHours: kind = .extraHours
        default: throw DoctorRules.invalid("\(field).kind", "is required")
        }
        let span = try boundedSpan(input.interval, field: "\(field).interval")
        guard span.duration <= maxExceptionSeconds else {
            throw DoctorRules.invalid("\(field).interval", "covers more than 366 days")
        }
        guard kind == .extraHours else { return (kind, span, 0) }
        let slot = try slotSeconds(input.slotDuration, field: "\(field).slot_duration")
        guard Int64(slot) <= span.duration else {
            throw DoctorRules.invalid("\(field).slot_duration", "is longer than the interval")
        }
        return (kind, span, slot)
    }

    /// An interval with both ends set, whole seconds, end after start.
    static func boundedSpan(_ interval: Clinic_Common_V1_Interval?, field: String) throws(RPCError) -> TimeSpan {
        guard let interval else { throw DoctorRules.invalid(field, "is required") }
        guard let start = interval.startTime else { throw DoctorRules.invalid("\(field).start_time", "is required") }
        guard let end = interval.endTime else { throw DoctorRules.invalid("\(field).end_time", "is required") }
        guard start.nanos == 0 else { throw DoctorRules.invalid("\(field).start_time", "must be a whole second") }
        guard end.nanos == 0 else { throw DoctorRules.invalid("\(field).end_time", "must be a whole second") }
        guard end.seconds > start.seconds else { throw DoctorRules.invalid("\(field).end_time", "must be after start_time") }
        return TimeSpan(start.seconds, end.seconds)
    }

    /// A filter interval: either end may be unset (unbounded).
    static func filterSpan(_ interval: Clinic_Common_V1_Interval, field: String) throws(RPCError) -> (Int64?, Int64?) {
        let start = interval.startTime?.seconds
        let end = interval.endTime.map { $0.nanos > 0 ? $0.seconds + 1 : $0.seconds }
        if let start, let end, end <= start {
            throw DoctorRules.invalid("\(field).end_time", "must be after start_time")
        }
        return (start, end)
    }

    /// A date range of real dates, start not after end, at most `maxDays` days.
    static func dateRange(_ range: Clinic_Common_V1_DateRange?, maxDays: Int, field: String) throws(RPCError) -> (LocalDate, LocalDate) {
        guard let range else { throw DoctorRules.invalid(field, "is required") }
        let start = try date(range.startDate, field: "\(field).start_date")
        let end = try date(range.endDate, field: "\(field).end_date")
        guard start <= end else { throw DoctorRules.invalid("\(field).end_date", "is before start_date") }
        guard end.days(since: start) < maxDays else {
            throw DoctorRules.invalid(field, "covers more than \(maxDays) days")
        }
        return (start, end)
    }

    static func date(_ date: Clinic_Common_V1_Date?, field: String) throws(RPCError) -> LocalDate {
        guard let date else { throw DoctorRules.invalid(field, "is required") }
        guard let local = LocalDate(year: Int(date.year), month: Int(date.month), day: Int(date.day)) else {
            throw DoctorRules.invalid(field, "is not a calendar date")
        }
        return local
    }
}

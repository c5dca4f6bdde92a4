import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore
import WellKnownTypes

/// The semantic checks on a clinic's fields that the generated `validate()` cannot express.
/// Pure: every check throws `invalid_argument` naming the field (`field` is its path in the
/// request, e.g. `clinic.opening_hours[2].hours`).
enum ClinicRules {
    /// The longest closure, in days.
    static let maxClosureDays = 366
    /// Booking policy bounds.
    static let maxLeadTime: Int64 = 365 * 86_400
    static let maxAdvance: Int64 = 2 * 365 * 86_400

    static func invalid(_ field: String, _ reason: String) -> RPCError {
        RPCError(invalidArgument: ValidationError(fieldPath: field, reason: reason))
    }

    /// A display name with its ends trimmed; it must not be blank.
    static func displayName(_ name: String, field: String) throws(RPCError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw invalid(field, "is required") }
        return trimmed
    }

    /// An address with its text trimmed; locality and region code are required.
    static func address(_ address: Clinic_Common_V1_PostalAddress?, field: String) throws(RPCError) -> Clinic_Common_V1_PostalAddress {
        guard var address else { throw invalid(field, "is required") }
        address.addressLines = address.addressLines
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
        address.locality = address.locality.trimmingCharacters(in: .whitespacesAndNewlines)
        address.administrativeArea = address.administrativeArea.trimmingCharacters(in: .whitespacesAndNewlines)
        address.postalCode = address.postalCode.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !address.locality.isEmpty else { throw invalid("\(field).locality", "is required") }
        guard !address.regionCode.isEmpty else { throw invalid("\(field).region_code", "is required") }
        return address
    }

    /// An IANA time zone name that Foundation knows (`Europe/Paris`, `UTC`).
    static func timeZone(_ identifier: String, field: String) throws(RPCError) -> String {
        guard !identifier.isEmpty else { throw invalid(field, "is required") }
        guard TimeZone(identifier: identifier) != nil,
            identifier == "UTC" || TimeZone.knownTimeZoneIdentifiers.contains(identifier)
        else { throw invalid(field, "is not an IANA time zone name (e.g. Europe/Paris)") }
        return identifier
    }

    /// Specialty codes without duplicates (whether they exist is checked against the catalog).
    static func specialtyCodes(_ codes: [String], field: String) throws(RPCError) -> [String] {
        var seen = Set<String>()
        for (index, code) in codes.enumerated() where !seen.insert(code).inserted {
            throw invalid("\(field)[\(index)]", "duplicates specialty \(code)")
        }
        return codes
    }

    /// Opening hours: each range well formed, no two ranges of one day overlapping. Returned in
    /// day and start order.
    static func openingHours(_ entries: [Clinic_Clinics_V1_OpeningHours], field: String) throws(RPCError) -> [Clinic_Clinics_V1_OpeningHours] {
        var spans: [(day: Int32, span: Range<Int>, index: Int)] = []
        for (index, entry) in entries.enumerated() {
            let day = entry.dayOfWeek.protoNumber
            guard (1...7).contains(day) else { throw invalid("\(field)[\(index)].day_of_week", "is required") }
            let span = try WallClockRange.span(entry.hours, field: "\(field)[\(index)].hours")
            if let other = spans.first(where: { $0.day == day && $0.span.overlaps(span) }) {
                throw invalid("\(field)[\(index)].hours", "overlaps \(field)[\(other.index)] on the same day")
            }
            spans.append((day, span, index))
        }
        return spans.sorted { ($0.day, $0.span.lowerBound) < ($1.day, $1.span.lowerBound) }.map { entries[$0.index] }
    }

    /// Closures: real dates, start not after end, at most `maxClosureDays` days each. Returned in
    /// start order.
    static func closures(_ entries: [Clinic_Clinics_V1_ClinicClosure], field: String) throws(RPCError) -> [Clinic_Clinics_V1_ClinicClosure] {
        var checked: [(start: CalendarDay, entry: Clinic_Clinics_V1_ClinicClosure)] = []
        for (index, var entry) in entries.enumerated() {
            let path = "\(field)[\(index)].dates"
            guard let dates = entry.dates else { throw invalid(path, "is required") }
            let start = try CalendarDay(dates.startDate, field: "\(path).start_date")
            let end = try CalendarDay(dates.endDate, field: "\(path).end_date")
            guard start <= end else { throw invalid("\(path).end_date", "is before start_date") }
            guard end.daysSince(start) < maxClosureDays else {
                throw invalid(path, "covers more than \(maxClosureDays) days")
            }
            entry.reason = entry.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            checked.append((start, entry))
        }
        return checked.sorted { $0.start < $1.start }.map(\.entry)
    }

    /// A booking policy with durations in range and a lead time shorter than the advance.
    static func bookingPolicy(_ policy: Clinic_Clinics_V1_BookingPolicy, field: String) throws(RPCError) -> Clinic_Clinics_V1_BookingPolicy {
        let lead = try seconds(policy.minLeadTime, max: maxLeadTime, field: "\(field).min_lead_time")
        let advance = try seconds(policy.maxAdvance, max: maxAdvance, field: "\(field).max_advance")
        _ = try seconds(policy.cancellationNotice, max: maxLeadTime, field: "\(field).cancellation_notice")
        if let lead, let advance, advance <= lead {
            throw invalid("\(field).max_advance", "must be longer than min_lead_time")
        }
        return policy
    }

    private static func seconds(_ duration: Google_Protobuf_Duration?, max: Int64, field: String) throws(RPCError) -> Int64? {
        guard let duration else { return nil }
        guard duration.seconds >= 0, duration.nanos >= 0 else { throw invalid(field, "must not be negative") }
        guard duration.nanos == 0 else { throw invalid(field, "must be a whole number of seconds") }
        guard duration.seconds <= max else { throw invalid(field, "must be at most \(max / 86_400) days") }
        return duration.seconds
    }
}

/// Wall-clock ranges within one day as seconds since midnight.
enum WallClockRange {
    /// `range` as `start..<end` seconds of the day; an end of 00:00 is the end of the day (86400).
    static func span(_ range: Clinic_Common_V1_TimeOfDayRange?, field: String) throws(RPCError) -> Range<Int> {
        guard let range else { throw ClinicRules.invalid(field, "is required") }
        guard let start = range.start else { throw ClinicRules.invalid("\(field).start", "is required") }
        guard let end = range.end else { throw ClinicRules.invalid("\(field).end", "is required") }
        let startSeconds = Int(start.hours) * 3600 + Int(start.minutes) * 60 + Int(start.seconds)
        var endSeconds = Int(end.hours) * 3600 + Int(end.minutes) * 60 + Int(end.seconds)
        if endSeconds == 0 { endSeconds = 86_400 }
        guard endSeconds > startSeconds else { throw ClinicRules.invalid("\(field).end", "must be after start") }
        return startSeconds..<endSeconds
    }
}

import ClinicAPI
import Foundation
import Platform
import ProtoRuntime
import RPCCore
import WellKnownTypes

extension Clinic_Common_V1_PersonName {
    /// "Dr. Ada Lovelace": the display name the server computed, or else prefix, given and family name.
    var shown: String { displayName.isEmpty ? formatted : displayName }
}

extension CivilDate {
    /// The API's value.
    var proto: Clinic_Common_V1_Date {
        var date = Clinic_Common_V1_Date()
        date.year = Int32(year)
        date.month = Int32(month)
        date.day = Int32(day)
        return date
    }
}

/// Request checks beyond the generated field rules; each failure is `invalid_argument` naming the field.
enum RequestCheck {
    /// An `invalid_argument` error naming `field`.
    static func invalid(_ field: String, _ reason: String) -> RPCError {
        RPCError(invalidArgument: ValidationError(fieldPath: field, reason: reason))
    }

    /// The calendar day of `date` (a real day of that month).
    static func civilDate(_ date: Clinic_Common_V1_Date?, field: String) throws(RPCError) -> CivilDate {
        guard let date else { throw invalid(field, "is required") }
        guard let civil = CivilDate(year: Int(date.year), month: Int(date.month), day: Int(date.day)) else {
            throw invalid(field, "is not a calendar date")
        }
        return civil
    }

    /// The days of `range`, at most `maxDays` of them, `end_date` not before `start_date`.
    static func dateRange(
        _ range: Clinic_Common_V1_DateRange?, field: String, maxDays: Int
    ) throws(RPCError) -> CivilDateRange {
        guard let range else { throw invalid(field, "is required") }
        let first = try civilDate(range.startDate, field: "\(field).start_date")
        let last = try civilDate(range.endDate, field: "\(field).end_date")
        guard let days = CivilDateRange(first: first, last: last) else {
            throw invalid("\(field).end_date", "must not be before start_date")
        }
        guard days.dayCount <= maxDays else {
            throw invalid(field, "spans \(days.dayCount) days; at most \(maxDays) are allowed")
        }
        return days
    }

    /// The instant of a required timestamp.
    static func instant(_ timestamp: Google_Protobuf_Timestamp?, field: String) throws(RPCError) -> Date {
        guard let timestamp else { throw invalid(field, "is required") }
        guard timestamp.isValid else { throw invalid(field, "is not a valid timestamp") }
        return timestamp.date
    }

    /// The known statuses of a filter (the generated rules already refused unknown numbers).
    static func statuses(_ values: [Clinic_Appointments_V1_AppointmentStatus], field: String) throws(RPCError)
        -> Set<AppointmentStatus>
    {
        var statuses = Set<AppointmentStatus>()
        for value in values {
            guard let status = AppointmentStatus(value) else {
                throw invalid(field, "APPOINTMENT_STATUS_UNSPECIFIED is not a status")
            }
            statuses.insert(status)
        }
        return statuses
    }

    /// The page size of a request: `requested` when set, else `defaultSize`.
    static func pageSize(_ requested: Int32, default defaultSize: Int) -> Int {
        requested > 0 ? Int(requested) : defaultSize
    }
}

import ClinicAPI
import Foundation
import RPCCore

/// The checks on record entries that the field rules cannot express, and how each change reads
/// in the history. Pure.
enum EntryRules {
    /// The kind of a content.
    static func kind(of content: Clinic_Patients_V1_RecordEntry.OneOf_Content) -> Clinic_Patients_V1_RecordEntryKind {
        switch content {
        case .allergy: .allergy
        case .problem: .problem
        case .medication: .medication
        case .vitalSigns: .vitalSigns
        }
    }

    /// The checked content of `entry` (`field` names the entry in errors): exactly one is set,
    /// dates are calendar dates and in order, vital signs hold a measurement taken by `now`.
    static func content(
        of entry: Clinic_Patients_V1_RecordEntry, field: String, now: Date
    ) throws(RPCError) -> Clinic_Patients_V1_RecordEntry.OneOf_Content {
        guard let content = entry.content else {
            throw RequestCheck.invalid(field, "one of allergy, problem, medication and vital_signs is required")
        }
        switch content {
        case .allergy(let allergy):
            try date(allergy.onsetDate, field: "\(field).allergy.onset_date")
            guard !allergy.substance.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw RequestCheck.invalid("\(field).allergy.substance", "is required")
            }
        case .problem(let problem):
            let onset = try date(problem.onsetDate, field: "\(field).problem.onset_date")
            let resolution = try date(problem.resolutionDate, field: "\(field).problem.resolution_date")
            if let onset, let resolution, resolution < onset {
                throw RequestCheck.invalid("\(field).problem.resolution_date", "must not be before onset_date")
            }
        case .medication(let medication):
            let start = try date(medication.startDate, field: "\(field).medication.start_date")
            let end = try date(medication.endDate, field: "\(field).medication.end_date")
            if let start, let end, end < start {
                throw RequestCheck.invalid("\(field).medication.end_date", "must not be before start_date")
            }
            guard medication.prescriptionId.isEmpty else {
                throw RequestCheck.invalid("\(field).medication.prescription_id", "is set by the consultations service only")
            }
        case .vitalSigns(let vitals):
            guard let measured = try RequestCheck.instant(vitals.measureTime, field: "\(field).vital_signs.measure_time") else {
                throw RequestCheck.invalid("\(field).vital_signs.measure_time", "is required")
            }
            guard measured <= now.addingTimeInterval(300) else {
                throw RequestCheck.invalid("\(field).vital_signs.measure_time", "is in the future")
            }
            let measurements: [Int32?] = [
                vitals.systolicMmhg, vitals.diastolicMmhg, vitals.heartRateBpm, vitals.respiratoryRateBpm,
                vitals.oxygenSaturationPercent, vitals.temperatureDecicelsius, vitals.weightGrams, vitals.heightMm,
            ]
            guard measurements.contains(where: { $0 != nil }) else {
                throw RequestCheck.invalid("\(field).vital_signs", "at least one measurement is required")
            }
            if let systolic = vitals.systolicMmhg, let diastolic = vitals.diastolicMmhg, diastolic >= systolic {
                throw RequestCheck.invalid("\(field).vital_signs.diastolic_mmhg", "must be below systolic_mmhg")
            }
        }
        return content
    }

    /// The status a new entry starts in: ACTIVE unless given; ENTERED_IN_ERROR only by retracting.
    static func initialStatus(_ status: Clinic_Patients_V1_RecordEntryStatus, field: String) throws(RPCError)
        -> Clinic_Patients_V1_RecordEntryStatus
    {
        switch status {
        case .unspecified: return .active
        case .active, .inactive, .resolved: return status
        case .enteredInError: throw RequestCheck.invalid(field, "ENTERED_IN_ERROR is set by RetractRecordEntry only")
        case .UNRECOGNIZED: throw RequestCheck.invalid(field, "is not a known status")
        }
    }

    /// A one-line summary of an entry for the history, e.g. "Allergy to Penicillin added".
    static func summary(of content: Clinic_Patients_V1_RecordEntry.OneOf_Content, _ verb: String) -> String {
        switch content {
        case .allergy(let allergy): "Allergy to \(allergy.substance) \(verb)"
        case .problem(let problem): "Problem \(problem.description) \(verb)"
        case .medication(let medication): "Medication \(medication.name) \(verb)"
        case .vitalSigns: "Vital signs \(verb)"
        }
    }

    /// Checks an optional calendar date; returns it comparable.
    @discardableResult
    private static func date(_ date: Clinic_Common_V1_Date?, field: String) throws(RPCError) -> CalendarDay? {
        guard let date else { return nil }
        guard let day = CalendarDay(date) else { throw RequestCheck.invalid(field, "is not a calendar date") }
        return day
    }
}

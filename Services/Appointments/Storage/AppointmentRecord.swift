import ClinicAPI
import Foundation
import Storage
import WellKnownTypes

/// One row of `appointments`, as the handlers work with it.
struct AppointmentRecord: Sendable, Equatable {
    var id: String
    var patientID: String
    var patientAccountID: String
    var patientName: String
    var doctorID: String
    var doctorAccountID: String
    var doctorName: String
    var specialtyCode: String
    var clinicName: String
    var timeZone: String
    var start: Date
    var end: Date
    var status: AppointmentStatus
    var reasonForVisit: String
    var bookedOnline: Bool
    var booker: Clinic_Common_V1_Actor
    var cancellation: Clinic_Appointments_V1_Cancellation?
    var confirmedAt: Date?
    var checkedInAt: Date?
    var completedAt: Date?
    var noShowAt: Date?
    var rescheduleCount: Int
    var originalStart: Date?
    var consultationID: String
    var createdAt: Date
    var updatedAt: Date
    var version: Int

    /// The slot it holds (or held).
    var span: TimeSpan { TimeSpan(start: start, end: end) }

    /// Changes on every update; requests pass it back to detect concurrent changes.
    var etag: String { "\(version)" }

    /// Records a change made at `now`.
    mutating func touch(_ now: Date) {
        updatedAt = now
        version += 1
    }

    /// The appointment as the API returns it, in clinic `clinicID`.
    func proto(clinicID: String) -> Clinic_Appointments_V1_Appointment {
        var appointment = Clinic_Appointments_V1_Appointment()
        appointment.id = id
        appointment.clinicId = clinicID
        appointment.patientId = patientID
        appointment.doctorId = doctorID
        appointment.specialtyCode = specialtyCode
        appointment.startTime = Google_Protobuf_Timestamp(date: start)
        appointment.endTime = Google_Protobuf_Timestamp(date: end)
        appointment.timeZone = timeZone
        appointment.status = status.proto
        appointment.reasonForVisit = reasonForVisit
        appointment.channel = bookedOnline ? .online : .staff
        appointment.booker = booker
        appointment.cancellation = cancellation
        appointment.confirmTime = confirmedAt.map { Google_Protobuf_Timestamp(date: $0) }
        appointment.checkInTime = checkedInAt.map { Google_Protobuf_Timestamp(date: $0) }
        appointment.completeTime = completedAt.map { Google_Protobuf_Timestamp(date: $0) }
        appointment.noShowTime = noShowAt.map { Google_Protobuf_Timestamp(date: $0) }
        appointment.rescheduleCount = Int32(clamping: rescheduleCount)
        appointment.originalStartTime = originalStart.map { Google_Protobuf_Timestamp(date: $0) }
        appointment.consultationId = consultationID
        appointment.patientDisplayName = patientName
        appointment.doctorDisplayName = doctorName
        appointment.clinicDisplayName = clinicName
        appointment.createTime = Google_Protobuf_Timestamp(date: createdAt)
        appointment.updateTime = Google_Protobuf_Timestamp(date: updatedAt)
        appointment.etag = etag
        return appointment
    }
}

extension AppointmentStatus {
    /// The API's value.
    var proto: Clinic_Appointments_V1_AppointmentStatus {
        switch self {
        case .proposed: .proposed
        case .booked: .booked
        case .arrived: .arrived
        case .fulfilled: .fulfilled
        case .cancelled: .cancelled
        case .noShow: .noshow
        }
    }

    /// The status for an API value; nil for unspecified and unknown numbers.
    init?(_ proto: Clinic_Appointments_V1_AppointmentStatus) {
        switch proto {
        case .proposed: self = .proposed
        case .booked: self = .booked
        case .arrived: self = .arrived
        case .fulfilled: self = .fulfilled
        case .cancelled: self = .cancelled
        case .noshow: self = .noShow
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}

import ClinicAPI
import Foundation
import Platform
import WellKnownTypes

/// One row of `doctors`: a doctor of the clinic with its lifecycle.
struct DoctorRecord: Sendable, Equatable {
    /// Where a doctor is in their life at the clinic.
    enum Status: String, Sendable {
        /// Being added: the login account is being created; invisible to every reader.
        case provisioning
        /// Works at the clinic.
        case active
        /// Removed (soft): not listed or bookable, kept for history.
        case removed
    }

    var id: String
    var status: Status
    var accountID: String?
    var emailKey: String
    var accountRequestID: String
    /// The descriptive fields (name, specialties, contact, license, biography, languages, online
    /// booking); the output-only ones stay empty.
    var details: Clinic_Doctors_V1_Doctor
    var version: Int64 = 1
    var createdAt: Date
    var updatedAt: Date
    var removedAt: Date?
    /// While provisioning: until when the attempt that holds the addition may still be running.
    var claimedUntil: Date?

    /// The etag clients pass back to detect concurrent changes.
    var etag: String { "v\(version)" }

    var familyKey: String { SearchKey.fold(details.name?.familyName ?? "") }
    var givenKey: String { SearchKey.fold(details.name?.givenName ?? "") }

    /// The doctor as the API returns it; `contact` and `license_number` only when `staffView`.
    func proto(staffView: Bool) -> Clinic_Doctors_V1_Doctor {
        var doctor = details
        doctor.id = id
        doctor.accountId = accountID ?? ""
        if var name = doctor.name {
            name.displayName = [name.prefix, name.givenName, name.familyName].filter { !$0.isEmpty }.joined(separator: " ")
            doctor.name = name
        }
        if !staffView {
            doctor.contact = nil
            doctor.licenseNumber = ""
        }
        doctor.state = status == .removed ? .removed : .active
        doctor.createTime = Google_Protobuf_Timestamp(date: createdAt)
        doctor.updateTime = Google_Protobuf_Timestamp(date: updatedAt)
        doctor.removeTime = removedAt.map { Google_Protobuf_Timestamp(date: $0) }
        doctor.etag = etag
        return doctor
    }
}

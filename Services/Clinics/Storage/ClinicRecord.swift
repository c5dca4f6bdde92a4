import ClinicAPI
import Foundation
import Platform
import WellKnownTypes

/// One row of `clinics`: a clinic with its lifecycle, as the service keeps it.
struct ClinicRecord: Sendable, Equatable {
    /// Where a clinic is in its life.
    enum Status: String, Sendable {
        /// Being created: its first admin account is being made; invisible to every reader.
        case provisioning
        /// Open.
        case active
        /// Soft-deleted; visible to the super admin only.
        case deleted
    }

    var id: String
    var status: Status
    /// The descriptive fields (name, address, contact, web site, time zone, currency,
    /// specialties, opening hours, closures, booking policy); the output-only ones stay empty.
    var details: Clinic_Clinics_V1_Clinic
    var version: Int64 = 1
    var createdAt: Date
    var updatedAt: Date
    var deletedAt: Date?
    var accountRequestID: String
    var adminEmailKey: String
    var adminAccountID: String?
    /// While provisioning: until when the attempt that holds the creation may still be running.
    var claimedUntil: Date?
    /// The status changed (deleted or undeleted) and the auth service has not confirmed that the
    /// staff's logins follow (SetClinicAccess with `version` as its generation).
    var accessPending = false

    /// The etag clients pass back to detect concurrent changes.
    var etag: String { "v\(version)" }

    /// The folded display name (duplicates, order).
    var nameKey: String { SearchKey.fold(details.displayName) }

    /// The folded address (duplicates): lines, postal code, locality, country.
    var addressKey: String { Self.addressKey(details.address) }

    /// The folded locality (filter).
    var localityKey: String { SearchKey.fold(details.address?.locality ?? "") }

    /// The text of the address that search looks in.
    var searchableAddress: String {
        guard let address = details.address else { return "" }
        return (address.addressLines + [address.postalCode, address.locality, address.administrativeArea])
            .filter { !$0.isEmpty }.joined(separator: " ")
    }

    static func addressKey(_ address: Clinic_Common_V1_PostalAddress?) -> String {
        guard let address else { return "" }
        let parts = [address.addressLines.joined(separator: " "), address.postalCode, address.locality, address.regionCode]
        return parts.map(SearchKey.fold).joined(separator: "|")
    }

    /// The clinic as the API returns it.
    var proto: Clinic_Clinics_V1_Clinic {
        var clinic = details
        clinic.id = id
        clinic.state = status == .deleted ? .deleted : .active
        clinic.createTime = Google_Protobuf_Timestamp(date: createdAt)
        clinic.updateTime = Google_Protobuf_Timestamp(date: updatedAt)
        clinic.deleteTime = deletedAt.map { Google_Protobuf_Timestamp(date: $0) }
        clinic.etag = etag
        return clinic
    }
}

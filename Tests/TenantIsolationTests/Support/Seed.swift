import ClinicAPI
import ClinicTLS
import Foundation
import WellKnownTypes

/// Message builders for the seeding.
enum Seed {
    static func name(_ given: String, _ family: String) -> Clinic_Common_V1_PersonName {
        var name = Clinic_Common_V1_PersonName()
        name.givenName = given
        name.familyName = family
        return name
    }

    static func date(_ year: Int32, _ month: Int32, _ day: Int32) -> Clinic_Common_V1_Date {
        var date = Clinic_Common_V1_Date()
        date.year = year
        date.month = month
        date.day = day
        return date
    }

    static func timestamp(_ date: Date) -> Google_Protobuf_Timestamp {
        var timestamp = Google_Protobuf_Timestamp()
        timestamp.seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        return timestamp
    }

    static func interval(_ start: Date, hours: Double) -> Clinic_Common_V1_Interval {
        var interval = Clinic_Common_V1_Interval()
        interval.startTime = timestamp(start)
        interval.endTime = timestamp(start.addingTimeInterval(hours * 3600))
        return interval
    }

    static func file(_ name: String, content: [UInt8]) -> Clinic_Common_V1_FileInfo {
        var file = Clinic_Common_V1_FileInfo()
        file.fileName = name
        file.mediaType = "text/plain"
        file.sizeBytes = Int64(content.count)
        file.sha256 = Digest.sha256(content)
        return file
    }

    static func clinic(_ name: String, locality: String) -> Clinic_Clinics_V1_Clinic {
        var clinic = Clinic_Clinics_V1_Clinic()
        clinic.displayName = name
        var address = Clinic_Common_V1_PostalAddress()
        address.addressLines = ["1 rue de la République"]
        address.locality = locality
        address.postalCode = "69002"
        address.regionCode = "FR"
        clinic.address = address
        clinic.timeZone = "Europe/Paris"
        clinic.currency = "EUR"
        clinic.specialtyCodes = ["general-practice", "cardiology"]
        var policy = Clinic_Clinics_V1_BookingPolicy()
        policy.onlineBookingEnabled = true
        clinic.bookingPolicy = policy
        return clinic
    }

    static func patient(
        _ name: (given: String, family: String), born: (Int32, Int32, Int32), nationalID: String, phone: String
    ) -> Clinic_Patients_V1_Patient {
        var patient = Clinic_Patients_V1_Patient()
        patient.name = Seed.name(name.given, name.family)
        patient.birthDate = date(born.0, born.1, born.2)
        patient.sex = .female
        var id = Clinic_Patients_V1_NationalId()
        id.value = nationalID
        id.regionCode = "FR"
        patient.nationalId = id
        var contact = Clinic_Common_V1_ContactInfo()
        contact.phone = phone
        patient.contact = contact
        return patient
    }

    /// Monday to Sunday 09:00-12:00, 30-minute slots.
    static let everyMorning: [Clinic_Doctors_V1_AvailabilityWindow] =
        [Clinic_Common_V1_DayOfWeek.monday, .tuesday, .wednesday, .thursday, .friday, .saturday, .sunday].map { day in
            var window = Clinic_Doctors_V1_AvailabilityWindow()
            window.dayOfWeek = day
            var hours = Clinic_Common_V1_TimeOfDayRange()
            var start = Clinic_Common_V1_TimeOfDay()
            start.hours = 9
            var end = Clinic_Common_V1_TimeOfDay()
            end.hours = 12
            hours.start = start
            hours.end = end
            window.hours = hours
            var slot = Google_Protobuf_Duration()
            slot.seconds = 1800
            window.slotDuration = slot
            return window
        }
}

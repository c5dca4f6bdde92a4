import ClinicAPI
import Foundation
@testable import PatientsService
import RPCCore
import Testing

@Suite("Patient logic")
struct PatientLogicTests {
    @Test("names fold case, accents and spacing; national ids ignore spaces and dashes")
    func textKeys() {
        #expect(TextKeys.fold("  Élodie   DUPONT ") == "elodie dupont")
        #expect(TextKeys.words("Jean-Pierre O'Neil") == ["jean", "pierre", "o", "neil"])
        #expect(TextKeys.searchText(given: "Marie", family: "Dùpont") == " marie dupont ")
        #expect(TextKeys.nationalID("1 85-05.78") == "1850578")
        #expect(TextKeys.likeEscaped("50%_a\\b") == "50\\%\\_a\\\\b")
    }

    @Test("calendar days check months and leap years")
    func calendarDays() {
        #expect(CalendarDay(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDay(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDay(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDay(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDay(year: 2024, month: 4, day: 31) == nil)
        #expect(CalendarDay(text: "1980-05-17")?.description == "1980-05-17")
        #expect(CalendarDay(utcDayOf: Date(timeIntervalSince1970: 0)).description == "1970-01-01")
    }

    @Test("the document policy normalizes accepted types and refuses others, big files and paths")
    func documentPolicy() throws {
        var file = Clinic_Common_V1_FileInfo()
        file.fileName = " scan.png "
        file.mediaType = "IMAGE/PNG"
        file.sizeBytes = 10
        let checked = try DocumentPolicy.standard.check(file, field: "file")
        #expect(checked.mediaType == "image/png" && checked.fileName == "scan.png")
        file.sizeBytes = DocumentPolicy.standard.maxBytes + 1
        #expect(throws: RPCError.self) { try DocumentPolicy.standard.check(file, field: "file") }
        file.sizeBytes = 10
        for name in ["a/b.png", "..", "a\\b", ""] {
            file.fileName = name
            #expect(throws: RPCError.self) { try DocumentPolicy.standard.check(file, field: "file") }
        }
        file.fileName = "x.gif"
        file.mediaType = "image/gif"
        #expect(throws: RPCError.self) { try DocumentPolicy.standard.check(file, field: "file") }
    }

    @Test("a patient may change only contact and address of their own record")
    func patientUpdateRules() throws {
        var patient = try PatientDraft.make(Fixtures.patient("Ana", "Lopez"), id: "pat_1", now: Date(timeIntervalSince1970: 1_742_472_000))
        var request = Clinic_Patients_V1_UpdatePatientRequest()
        var contact = Clinic_Common_V1_ContactInfo()
        contact.email = " ana@example.org "
        request.contact = contact
        try PatientDraft.apply(request, to: &patient, byPatient: true, now: Date())
        #expect(patient.contact.email == "ana@example.org")
        request.sex = .male
        #expect(throws: RPCError.self) { try PatientDraft.apply(request, to: &patient, byPatient: true, now: Date()) }
        try PatientDraft.apply(request, to: &patient, byPatient: false, now: Date())
        #expect(patient.sex == .male)
    }

    @Test("entry summaries read as history lines")
    func entrySummaries() throws {
        let entry = RecordFixtures.allergy("Penicillin")
        let content = try EntryRules.content(of: entry, field: "entry", now: Date())
        #expect(EntryRules.summary(of: content, "added") == "Allergy to Penicillin added")
        #expect(EntryRules.kind(of: content) == .allergy)
        #expect(try EntryRules.initialStatus(.unspecified, field: "s") == .active)
    }
}

import ClinicAPI
@testable import DoctorsService
import Foundation
import Platform
import RPCCore
import Testing
import WellKnownTypes

@Suite("ListDoctors")
struct ListDoctorsTests {
    static func list(_ harness: DoctorsHarness, _ clinicID: String, _ change: (inout Clinic_Doctors_V1_ListDoctorsRequest) -> Void = { _ in }) async throws -> [String] {
        var request = Clinic_Doctors_V1_ListDoctorsRequest()
        request.clinicId = clinicID
        change(&request)
        return try await harness.doctors.listDoctors(request).doctors.compactMap { $0.name?.familyName }
    }

    @Test("ordered by family name without case or accents; filters by specialty, name prefix and online booking")
    func orderAndFilters() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            try await harness.addDoctor(to: clinic, given: "Marie-Claire", family: "Zola", specialties: ["cardiology"])
            try await harness.addDoctor(to: clinic, given: "Émile", family: "Étienne", specialties: ["pediatrics"])
            try await harness.addDoctor(to: clinic, given: "Ada", family: "adler", specialties: ["cardiology", "pediatrics"]) {
                $0.doctor!.onlineBookingEnabled = false
            }
            #expect(try await Self.list(harness, clinic) == ["adler", "Étienne", "Zola"])
            #expect(try await Self.list(harness, clinic) { $0.specialtyCode = "cardiology" } == ["adler", "Zola"])
            #expect(try await Self.list(harness, clinic) { $0.query = "ETI" } == ["Étienne"])
            #expect(try await Self.list(harness, clinic) { $0.query = "emile" } == ["Étienne"])
            #expect(try await Self.list(harness, clinic) { $0.query = "claire" } == ["Zola"])
            #expect(try await Self.list(harness, clinic) { $0.query = "a" } == ["adler"])
            // Punctuation is not a name: it filters nothing (and is never a LIKE wildcard).
            #expect(try await Self.list(harness, clinic) { $0.query = "%" } == ["adler", "Étienne", "Zola"])
            #expect(try await Self.list(harness, clinic) { $0.query = "zo%" } == ["Zola"])
            #expect(try await Self.list(harness, clinic) { $0.onlineBookingOnly = true } == ["Étienne", "Zola"])
        }
    }

    @Test("pages follow each other; a token is refused with other filters or when forged")
    func paging() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            for family in ["Bernard", "Dubois", "Durand", "Martin", "Petit"] {
                try await harness.addDoctor(to: clinic, family: family)
            }
            var request = Clinic_Doctors_V1_ListDoctorsRequest()
            request.clinicId = clinic
            request.pageSize = 2
            var names: [String] = []
            var pages = 0
            repeat {
                let page = try await harness.doctors.listDoctors(request)
                names += page.doctors.compactMap { $0.name?.familyName }
                request.pageToken = page.nextPageToken
                pages += 1
            } while !request.pageToken.isEmpty
            #expect(names == ["Bernard", "Dubois", "Durand", "Martin", "Petit"])
            #expect(pages == 3)
            request.pageToken = try await harness.doctors.listDoctors(request).nextPageToken
            request.specialtyCode = "cardiology"
            await expectError(.invalidArgument, field: "page_token") { _ = try await harness.doctors.listDoctors(request) }
            request.pageToken = "eyJmaWx0ZXIiOiJ4In0"
            await expectError(.invalidArgument, field: "page_token") { _ = try await harness.doctors.listDoctors(request) }
            request.pageToken = ""
            request.pageSize = 501
            await expectError(.invalidArgument, field: "page_size") { _ = try await harness.doctors.listDoctors(request) }
        }
    }

    @Test("anonymous callers, patients and services list a clinic they name; an unknown or deleted clinic is not_found")
    func callers() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            try await harness.addDoctor(to: clinic, family: "Visible")
            #expect(try await Self.list(harness, clinic) == ["Visible"])
            var request = Clinic_Doctors_V1_ListDoctorsRequest()
            request.clinicId = clinic
            #expect(try await harness.doctors.listDoctors(request, options: try harness.caller([.patient])).doctors.count == 1)
            #expect(try await harness.doctorsFromAppointments.listDoctors(request).doctors.count == 1)
            request.clinicId = ""
            await expectError(.invalidArgument, field: "clinic_id") { _ = try await harness.doctors.listDoctors(request) }
            request.clinicId = "cln_unknown"
            await expectError(.notFound) { _ = try await harness.doctors.listDoctors(request) }
            var delete = Clinic_Clinics_V1_DeleteClinicRequest()
            delete.clinicId = clinic
            _ = try await harness.clinics.deleteClinic(delete, options: try harness.caller([.superAdmin]))
            request.clinicId = clinic
            await expectError(.notFound) { _ = try await harness.doctors.listDoctors(request) }
        }
    }
}

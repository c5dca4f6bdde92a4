import ClinicAPI
@testable import ClinicsService
import Foundation
import Platform
import RPCCore
import Testing

@Suite("ListClinics, SearchClinics")
struct ClinicDirectoryTests {
    static func search(_ harness: ClinicsHarness, _ text: String, change: (inout Clinic_Clinics_V1_SearchClinicsRequest) -> Void = { _ in }) async throws -> [String] {
        var request = Clinic_Clinics_V1_SearchClinicsRequest()
        request.query = text
        change(&request)
        return try await harness.clinics.searchClinics(request).clinics.map(\.displayName)
    }

    /// Four clinics in three cities and two countries.
    static func seed(_ harness: ClinicsHarness) async throws {
        try await harness.createClinic("Clinique Santé Lyon", locality: "Lyon", street: "12 rue Mercière") {
            $0.clinic!.specialtyCodes = ["cardiology", "general-practice"]
        }
        try await harness.createClinic("Centre Médical Saint-Étienne", locality: "Saint-Étienne", street: "3 place Jean Jaurès") {
            $0.clinic!.specialtyCodes = ["pediatrics"]
        }
        try await harness.createClinic("Cabinet du Parc", locality: "Lyon", street: "8 avenue de Saxe") {
            $0.clinic!.specialtyCodes = ["dermatology"]
        }
        try await harness.createClinic("Hudson Health", locality: "New York", street: "200 Hudson Street") {
            $0.clinic!.address!.regionCode = "US"
            $0.clinic!.address!.postalCode = "10013"
            $0.clinic!.timeZone = "America/New_York"
            $0.clinic!.currency = "USD"
        }
    }

    @Test("search is case- and accent-insensitive, by name or address, with word prefixes")
    func accentInsensitiveSearch() async throws {
        try await withHarness { harness async throws in
            try await Self.seed(harness)
            #expect(try await Self.search(harness, "clinique") == ["Clinique Santé Lyon"])
            #expect(try await Self.search(harness, "CLINIQUE") == ["Clinique Santé Lyon"])
            #expect(try await Self.search(harness, "sante") == ["Clinique Santé Lyon"])
            #expect(try await Self.search(harness, "Santé") == ["Clinique Santé Lyon"])
            #expect(try await Self.search(harness, "medical etienne") == ["Centre Médical Saint-Étienne"])
            #expect(try await Self.search(harness, "méd") == ["Centre Médical Saint-Étienne"])
            // The address counts: street, postal code and city.
            #expect(try await Self.search(harness, "merciere") == ["Clinique Santé Lyon"])
            #expect(Set(try await Self.search(harness, "lyon")) == ["Clinique Santé Lyon", "Cabinet du Parc"])
            #expect(try await Self.search(harness, "10013") == ["Hudson Health"])
            // Every word must match.
            #expect(try await Self.search(harness, "clinique parc").isEmpty)
            #expect(try await Self.search(harness, "nothing-like-this").isEmpty)
        }
    }

    @Test("a name match ranks above an address match")
    func ranking() async throws {
        try await withHarness { harness async throws in
            try await harness.createClinic("Cabinet Hudson", locality: "Albany", street: "1 Main Street")
            try await harness.createClinic("Riverside Care", locality: "Albany", street: "5 Hudson Avenue")
            #expect(try await Self.search(harness, "hudson") == ["Cabinet Hudson", "Riverside Care"])
        }
    }

    @Test("search filters by specialty and country, and pages")
    func searchFiltersAndPages() async throws {
        try await withHarness { harness async throws in
            try await Self.seed(harness)
            #expect(try await Self.search(harness, "lyon") { $0.specialtyCode = "dermatology" } == ["Cabinet du Parc"])
            #expect(try await Self.search(harness, "health") { $0.regionCode = "FR" }.isEmpty)
            #expect(try await Self.search(harness, "health") { $0.regionCode = "US" } == ["Hudson Health"])

            var request = Clinic_Clinics_V1_SearchClinicsRequest()
            request.query = "lyon"
            request.pageSize = 1
            let first = try await harness.clinics.searchClinics(request)
            #expect(first.clinics.count == 1)
            #expect(!first.nextPageToken.isEmpty)
            request.pageToken = first.nextPageToken
            let second = try await harness.clinics.searchClinics(request)
            #expect(second.clinics.count == 1)
            #expect(second.nextPageToken.isEmpty)
            #expect(Set((first.clinics + second.clinics).map(\.displayName)) == ["Clinique Santé Lyon", "Cabinet du Parc"])
            request.query = "parc"
            await expectError(.invalidArgument, field: "page_token") { _ = try await harness.clinics.searchClinics(request) }
            request.pageToken = "garbage!"
            await expectError(.invalidArgument, field: "page_token") { _ = try await harness.clinics.searchClinics(request) }
        }
    }

    @Test(
        "FTS5 syntax in the query is taken as plain words, never as operators",
        arguments: ["\"clinique", "clinique OR cabinet", "sante*", "NEAR(clinique sante)", "name:clinique", "-lyon clinique", "clinique \"\""]
    )
    func queryInjection(text: String) async throws {
        try await withHarness { harness async throws in
            try await Self.seed(harness)
            let found = try await Self.search(harness, text)
            #expect(found.allSatisfy { $0 == "Clinique Santé Lyon" })
        }
    }

    @Test("a query without letters or digits is invalid_argument; too short is refused by the field rules")
    func badQueries() async throws {
        try await withHarness { harness async throws in
            await expectError(.invalidArgument, field: "query") { _ = try await Self.search(harness, "!!") }
            await expectError(.invalidArgument, field: "query") { _ = try await Self.search(harness, "a") }
            await expectError(.invalidArgument, field: "query") { _ = try await Self.search(harness, "") }
            await expectError(.invalidArgument, field: "page_size") { _ = try await Self.search(harness, "clinique") { $0.pageSize = 101 } }
        }
    }

    @Test("list orders by name, filters exactly (locality without case and accents), and pages")
    func list() async throws {
        try await withHarness { harness async throws in
            try await Self.seed(harness)
            let all = try await harness.clinics.listClinics(.init()).clinics.map(\.displayName)
            #expect(all == ["Cabinet du Parc", "Centre Médical Saint-Étienne", "Clinique Santé Lyon", "Hudson Health"])

            var request = Clinic_Clinics_V1_ListClinicsRequest()
            request.locality = "SAINT-ETIENNE"
            #expect(try await harness.clinics.listClinics(request).clinics.map(\.displayName) == ["Centre Médical Saint-Étienne"])
            request = .init()
            request.specialtyCode = "cardiology"
            #expect(try await harness.clinics.listClinics(request).clinics.map(\.displayName) == ["Clinique Santé Lyon"])
            request = .init()
            request.regionCode = "US"
            #expect(try await harness.clinics.listClinics(request).clinics.map(\.displayName) == ["Hudson Health"])

            request = .init()
            request.pageSize = 3
            let first = try await harness.clinics.listClinics(request)
            #expect(first.clinics.count == 3)
            request.pageToken = first.nextPageToken
            let second = try await harness.clinics.listClinics(request)
            #expect(second.clinics.map(\.displayName) == ["Hudson Health"])
            #expect(second.nextPageToken.isEmpty)
            request.regionCode = "FR"
            await expectError(.invalidArgument, field: "page_token") { _ = try await harness.clinics.listClinics(request) }
        }
    }

    @Test("only the super admin lists deleted clinics")
    func showDeleted() async throws {
        try await withHarness { harness async throws in
            let created = try await harness.createClinic().clinic!
            var request = Clinic_Clinics_V1_ListClinicsRequest()
            request.showDeleted = true
            await expectError(.permissionDenied, field: "show_deleted") { _ = try await harness.clinics.listClinics(request) }
            await expectError(.permissionDenied, field: "show_deleted") {
                _ = try await harness.clinics.listClinics(request, options: try harness.clinicAdmin(of: created.id))
            }
            #expect(try await harness.clinics.listClinics(request, options: try harness.superAdmin).clinics.count == 1)
        }
    }
}

import ClinicAPI
@testable import ClinicsService
import Platform
import RPCCore
import Testing

@Suite("ListSpecialties, CreateSpecialty")
struct SpecialtyTests {
    static func specialty(_ code: String, _ name: String = "Sleep medicine") -> Clinic_Clinics_V1_CreateSpecialtyRequest {
        var specialty = Clinic_Clinics_V1_Specialty()
        specialty.code = code
        specialty.displayName = name
        var request = Clinic_Clinics_V1_CreateSpecialtyRequest()
        request.specialty = specialty
        return request
    }

    @Test("the catalog starts seeded, ordered by code, and pages")
    func seeded() async throws {
        try await withHarness { harness async throws in
            let all = try await harness.clinics.listSpecialties(.init()).specialties.map(\.code)
            #expect(all == ClinicsSchema.seedSpecialties.map(\.0).sorted())
            #expect(all.contains("general-practice"))
            var request = Clinic_Clinics_V1_ListSpecialtiesRequest()
            request.pageSize = 7
            var seen: [String] = []
            repeat {
                let page = try await harness.clinics.listSpecialties(request)
                seen += page.specialties.map(\.code)
                request.pageToken = page.nextPageToken
            } while !request.pageToken.isEmpty
            #expect(seen == all)
        }
    }

    @Test("the super admin adds a specialty; clinics can then offer it; a duplicate is already_exists")
    func create() async throws {
        try await withHarness { harness async throws in
            let created = try await harness.clinics.createSpecialty(Self.specialty("sleep-medicine", "  Sleep medicine "), options: try harness.superAdmin)
            #expect(created.displayName == "Sleep medicine")
            #expect(try await harness.clinics.listSpecialties(.init()).specialties.contains(created))
            try await harness.createClinic { $0.clinic!.specialtyCodes = ["sleep-medicine"] }
            await expectError(.alreadyExists, field: "specialty.code") {
                _ = try await harness.clinics.createSpecialty(Self.specialty("sleep-medicine"), options: try harness.superAdmin)
            }
        }
    }

    @Test("only the super admin adds specialties; bad fields are invalid_argument")
    func refused() async throws {
        try await withHarness { harness async throws in
            await expectError(.permissionDenied) {
                _ = try await harness.clinics.createSpecialty(Self.specialty("x-ray"), options: try harness.caller([.clinicAdmin], tenant: "cln_a"))
            }
            await expectError(.unauthenticated) { _ = try await harness.clinics.createSpecialty(Self.specialty("x-ray")) }
            await expectError(.invalidArgument, field: "specialty.code") {
                _ = try await harness.clinics.createSpecialty(Self.specialty("X Ray"), options: try harness.superAdmin)
            }
            await expectError(.invalidArgument, field: "specialty.display_name") {
                _ = try await harness.clinics.createSpecialty(Self.specialty("x-ray", "   "), options: try harness.superAdmin)
            }
            await expectError(.invalidArgument, field: "specialty") {
                _ = try await harness.clinics.createSpecialty(.init(), options: try harness.superAdmin)
            }
        }
    }
}

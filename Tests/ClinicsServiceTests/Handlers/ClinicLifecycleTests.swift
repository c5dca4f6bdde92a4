import ClinicAPI
@testable import ClinicsService
import Foundation
import Platform
import RPCCore
import Storage
import Testing

@Suite("GetClinic, UpdateClinic, DeleteClinic, UndeleteClinic")
struct ClinicLifecycleTests {
    static func get(_ harness: ClinicsHarness, _ id: String, options: CallOptions = .defaults) async throws -> Clinic_Clinics_V1_Clinic {
        var request = Clinic_Clinics_V1_GetClinicRequest()
        request.clinicId = id
        return try await harness.clinics.getClinic(request, options: options)
    }

    static func update(_ id: String, _ change: (inout Clinic_Clinics_V1_UpdateClinicRequest) -> Void) -> Clinic_Clinics_V1_UpdateClinicRequest {
        var request = Clinic_Clinics_V1_UpdateClinicRequest()
        request.clinicId = id
        change(&request)
        return request
    }

    @Test("GetClinic is public; an unknown id is not_found; a bad id is invalid_argument")
    func get() async throws {
        try await withHarness { harness async throws in
            let id = try await harness.createClinic().clinic!.id
            #expect(try await Self.get(harness, id).id == id)
            await expectError(.notFound) { _ = try await Self.get(harness, "cln_unknown") }
            await expectError(.invalidArgument, field: "clinic_id") { _ = try await Self.get(harness, "../etc") }
            await expectError(.invalidArgument, field: "clinic_id") { _ = try await Self.get(harness, "") }
        }
    }

    @Test("the clinic admin updates their own clinic: only set fields change, the etag moves")
    func updateOwn() async throws {
        try await withHarness { harness async throws in
            let created = try await harness.createClinic { request in
                request.clinic!.openingHours = [Fixtures.hours(.monday, 9, 12)]
                request.clinic!.websiteUri = "https://old.example.org"
            }.clinic!
            let admin = try harness.clinicAdmin(of: created.id)
            let updated = try await harness.clinics.updateClinic(
                Self.update(created.id) { request in
                    request.displayName = "Clinique Santé Centre"
                    request.timeZone = "America/New_York"
                    var hours = Clinic_Clinics_V1_OpeningHoursList()
                    hours.entries = [Fixtures.hours(.tuesday, 14, 18), Fixtures.hours(.monday, 9, 12), Fixtures.hours(.monday, 13, 17)]
                    request.openingHours = hours
                    var closures = Clinic_Clinics_V1_ClinicClosureList()
                    closures.entries = [Fixtures.closure(Fixtures.date(2025, 12, 25), Fixtures.date(2025, 12, 26))]
                    request.closures = closures
                    var codes = Clinic_Clinics_V1_SpecialtyCodeList()
                    codes.codes = ["cardiology", "pediatrics"]
                    request.specialtyCodes = codes
                    request.etag = created.etag
                }, options: admin)
            #expect(updated.displayName == "Clinique Santé Centre")
            #expect(updated.timeZone == "America/New_York")
            #expect(updated.websiteUri == "https://old.example.org")
            #expect(updated.openingHours.map(\.dayOfWeek) == [.monday, .monday, .tuesday])
            #expect(updated.closures.count == 1)
            #expect(updated.specialtyCodes == ["cardiology", "pediatrics"])
            #expect(updated.etag == "v2")
            #expect(try await Self.get(harness, created.id) == updated)
            // A set but empty list clears it; an empty website removes it.
            let cleared = try await harness.clinics.updateClinic(
                Self.update(created.id) { request in
                    request.openingHours = Clinic_Clinics_V1_OpeningHoursList()
                    request.websiteUri = ""
                }, options: admin)
            #expect(cleared.openingHours.isEmpty)
            #expect(cleared.websiteUri.isEmpty)
            #expect(cleared.closures.count == 1)
        }
    }

    @Test("an update with nothing to change keeps the etag")
    func noOpUpdate() async throws {
        try await withHarness { harness async throws in
            let created = try await harness.createClinic().clinic!
            let same = try await harness.clinics.updateClinic(
                Self.update(created.id) { $0.displayName = created.displayName }, options: try harness.superAdmin)
            #expect(same.etag == created.etag)
        }
    }

    @Test("a stale etag is aborted and changes nothing")
    func staleEtag() async throws {
        try await withHarness { harness async throws in
            let created = try await harness.createClinic().clinic!
            let admin = try harness.clinicAdmin(of: created.id)
            _ = try await harness.clinics.updateClinic(Self.update(created.id) { $0.displayName = "Première" }, options: admin)
            await expectError(.aborted, field: "etag") {
                _ = try await harness.clinics.updateClinic(
                    Self.update(created.id) { request in
                        request.displayName = "Seconde"
                        request.etag = created.etag
                    }, options: admin)
            }
            #expect(try await Self.get(harness, created.id).displayName == "Première")
        }
    }

    @Test("concurrent updates with the same etag: exactly one wins, the others are aborted")
    func concurrentUpdates() async throws {
        try await withHarness { harness async throws in
            let created = try await harness.createClinic().clinic!
            let admin = try harness.clinicAdmin(of: created.id)
            let codes = await withTaskGroup(of: RPCError.Code?.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        do {
                            _ = try await harness.clinics.updateClinic(
                                Self.update(created.id) { request in
                                    request.displayName = "Nom \(index)"
                                    request.etag = created.etag
                                }, options: admin)
                            return nil
                        } catch let error as RPCError {
                            return error.code
                        } catch {
                            return .unknown
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(codes.filter { $0 == nil }.count == 1)
            #expect(codes.filter { $0 == .aborted }.count == 5)
            #expect(try await Self.get(harness, created.id).etag == "v2")
        }
    }

    @Test("another clinic's admin, a doctor or a patient cannot update; the clinic is unchanged")
    func updateAuthorization() async throws {
        try await withHarness { harness async throws in
            let mine = try await harness.createClinic("Clinique A").clinic!
            let other = try await harness.createClinic("Clinique B").clinic!
            let request = Self.update(other.id) { $0.displayName = "Hijacked" }
            await expectError(.permissionDenied) {
                _ = try await harness.clinics.updateClinic(request, options: try harness.clinicAdmin(of: mine.id))
            }
            await expectError(.permissionDenied) {
                _ = try await harness.clinics.updateClinic(request, options: try harness.caller([.doctor], tenant: other.id))
            }
            await expectError(.permissionDenied) {
                _ = try await harness.clinics.updateClinic(request, options: try harness.caller([.patient]))
            }
            await expectError(.unauthenticated) { _ = try await harness.clinics.updateClinic(request) }
            #expect(try await Self.get(harness, other.id) == other)
            // A clinic that does not exist is not_found for the super admin.
            await expectError(.notFound) {
                _ = try await harness.clinics.updateClinic(Self.update("cln_none") { $0.displayName = "X" }, options: try harness.superAdmin)
            }
        }
    }

    @Test(
        "update validation names the field and changes nothing",
        arguments: [
            ("display_name", { @Sendable (r: inout Clinic_Clinics_V1_UpdateClinicRequest) in r.displayName = "" }),
            ("display_name", { r in r.displayName = "   " }),
            ("address.locality", { r in r.address = .init(); r.address!.regionCode = "FR" }),
            ("time_zone", { r in r.timeZone = "Nowhere/Land" }),
            ("currency", { r in r.currency = "" }),
            ("specialty_codes.codes[0]", { r in r.specialtyCodes = .init(); r.specialtyCodes!.codes = ["no-such-specialty"] }),
            ("opening_hours.entries[1].hours", { r in
                r.openingHours = .init(); r.openingHours!.entries = [Fixtures.hours(.friday, 8, 12), Fixtures.hours(.friday, 10, 11)]
            }),
            ("closures.entries[0].dates", { r in r.closures = .init(); r.closures!.entries = [.init()] }),
            ("booking_policy.cancellation_notice", { r in
                r.bookingPolicy = .init(); r.bookingPolicy!.cancellationNotice = .init(); r.bookingPolicy!.cancellationNotice!.nanos = 5
            }),
            ("etag", { r in r.etag = String(repeating: "e", count: 200) }),
        ] as [(String, @Sendable (inout Clinic_Clinics_V1_UpdateClinicRequest) -> Void)]
    )
    func updateValidation(field: String, change: @Sendable (inout Clinic_Clinics_V1_UpdateClinicRequest) -> Void) async throws {
        try await withHarness { harness async throws in
            let created = try await harness.createClinic().clinic!
            await expectError(.invalidArgument, field: field) {
                _ = try await harness.clinics.updateClinic(Self.update(created.id, change), options: try harness.superAdmin)
            }
            #expect(try await Self.get(harness, created.id) == created)
        }
    }

    @Test("renaming onto another clinic's name and address is already_exists")
    func updateDuplicate() async throws {
        try await withHarness { harness async throws in
            try await harness.createClinic("Clinique Alpha")
            let beta = try await harness.createClinic("Clinique Beta").clinic!
            await expectError(.alreadyExists) {
                _ = try await harness.clinics.updateClinic(Self.update(beta.id) { $0.displayName = "CLINIQUE ALPHA" }, options: try harness.superAdmin)
            }
            #expect(try await Self.get(harness, beta.id).displayName == "Clinique Beta")
        }
    }

    @Test("delete is soft: hidden from everyone but the super admin, data kept, undelete restores")
    func softDelete() async throws {
        try await withHarness { harness async throws in
            let created = try await harness.createClinic("Clinique Fermée", locality: "Montréal") { request in
                request.clinic!.openingHours = [Fixtures.hours(.monday, 9, 12)]
            }.clinic!
            let superAdmin = try harness.superAdmin
            let admin = try harness.clinicAdmin(of: created.id)
            var delete = Clinic_Clinics_V1_DeleteClinicRequest()
            delete.clinicId = created.id
            delete.etag = "v9"
            await expectError(.aborted) { _ = try await harness.clinics.deleteClinic(delete, options: superAdmin) }
            delete.etag = created.etag
            await expectError(.permissionDenied) { _ = try await harness.clinics.deleteClinic(delete, options: admin) }
            let deleted = try await harness.clinics.deleteClinic(delete, options: superAdmin)
            #expect(deleted.state == .deleted)
            #expect(deleted.deleteTime != nil)
            #expect(deleted.openingHours == created.openingHours)

            await expectError(.notFound) { _ = try await Self.get(harness, created.id) }
            await expectError(.notFound) { _ = try await Self.get(harness, created.id, options: admin) }
            await expectError(.notFound) {
                _ = try await harness.clinics.updateClinic(Self.update(created.id) { $0.displayName = "X" }, options: admin)
            }
            await expectError(.failedPrecondition) {
                _ = try await harness.clinics.updateClinic(Self.update(created.id) { $0.displayName = "X" }, options: superAdmin)
            }
            #expect(try await Self.get(harness, created.id, options: superAdmin).state == .deleted)
            #expect(try await harness.clinics.listClinics(.init()).clinics.isEmpty)
            var search = Clinic_Clinics_V1_SearchClinicsRequest()
            search.query = "fermee"
            #expect(try await harness.clinics.searchClinics(search).clinics.isEmpty)
            #expect(try await harness.service.tenantDirectory.contains(TenantID(created.id)) == false)
            var showDeleted = Clinic_Clinics_V1_ListClinicsRequest()
            showDeleted.showDeleted = true
            #expect(try await harness.clinics.listClinics(showDeleted, options: superAdmin).clinics.map(\.id) == [created.id])
            // Deleting again changes nothing.
            delete.etag = ""
            #expect(try await harness.clinics.deleteClinic(delete, options: superAdmin).etag == deleted.etag)

            var undelete = Clinic_Clinics_V1_UndeleteClinicRequest()
            undelete.clinicId = created.id
            await expectError(.permissionDenied) { _ = try await harness.clinics.undeleteClinic(undelete, options: admin) }
            let restored = try await harness.clinics.undeleteClinic(undelete, options: superAdmin)
            #expect(restored.state == .active)
            #expect(restored.deleteTime == nil)
            #expect(try await Self.get(harness, created.id).openingHours == created.openingHours)
            #expect(try await harness.clinics.searchClinics(search).clinics.map(\.id) == [created.id])
            #expect(try await harness.service.tenantDirectory.contains(TenantID(created.id)))
            await expectError(.failedPrecondition) { _ = try await harness.clinics.undeleteClinic(undelete, options: superAdmin) }
        }
    }

    @Test("a deleted clinic still holds its name and address")
    func deletedHoldsIdentity() async throws {
        try await withHarness { harness async throws in
            let created = try await harness.createClinic("Clinique Endormie").clinic!
            var delete = Clinic_Clinics_V1_DeleteClinicRequest()
            delete.clinicId = created.id
            _ = try await harness.clinics.deleteClinic(delete, options: try harness.superAdmin)
            let error = await expectError(.alreadyExists) { try await harness.createClinic("Clinique Endormie") }
            #expect(error?.message.contains("undelete") == true)
        }
    }
}

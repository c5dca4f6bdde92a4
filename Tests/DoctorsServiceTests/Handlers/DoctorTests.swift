import ClinicAPI
@testable import DoctorsService
import Foundation
import Platform
import RPCCore
import Storage
import Testing
import WellKnownTypes

@Suite("AddDoctor, GetDoctor, UpdateDoctor, RemoveDoctor")
struct DoctorTests {
    static func get(_ id: String, clinicID: String = "") -> Clinic_Doctors_V1_GetDoctorRequest {
        var request = Clinic_Doctors_V1_GetDoctorRequest()
        request.doctorId = id
        request.clinicId = clinicID
        return request
    }

    static func update(_ id: String, _ change: (inout Clinic_Doctors_V1_UpdateDoctorRequest) -> Void) -> Clinic_Doctors_V1_UpdateDoctorRequest {
        var request = Clinic_Doctors_V1_UpdateDoctorRequest()
        request.doctorId = id
        change(&request)
        return request
    }

    static func remove(_ id: String, etag: String = "") -> Clinic_Doctors_V1_RemoveDoctorRequest {
        var request = Clinic_Doctors_V1_RemoveDoctorRequest()
        request.doctorId = id
        request.etag = etag
        return request
    }

    @Test("the clinic admin adds a doctor with a real login account in the clinic")
    func add() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic, given: "Émile", family: "Roux", email: "emile.roux@example.org")
            #expect(doctor.id.hasPrefix("doc_"))
            #expect(doctor.state == .active)
            #expect(doctor.name?.displayName == "Dr. Émile Roux")
            #expect(doctor.licenseNumber == "RPPS-10001")
            #expect(doctor.etag == "v1")
            // The account logs in as a doctor of this clinic, and "me" is this doctor.
            let session = try await harness.login("emile.roux@example.org")
            var me = Clinic_Auth_V1_GetAccountRequest()
            me.accountId = "me"
            let account = try await harness.auth.getAccount(me, options: session)
            #expect(account.id == doctor.accountId)
            #expect(account.roles == [.doctor])
            #expect(account.clinicId == clinic)
            #expect(try await harness.doctors.getDoctor(Self.get("me"), options: session) == doctor)
        }
    }

    @Test("an e-mail that has an account, here or in another clinic, is already_exists and adds nothing")
    func emailTaken() async throws {
        try await withHarness { harness async throws in
            let (first, second) = (try await harness.makeClinic(), try await harness.makeClinic())
            try await harness.addDoctor(to: first, email: "taken@example.org")
            await expectError(.alreadyExists, field: "email") { try await harness.addDoctor(to: first, email: "taken@example.org") }
            await expectError(.alreadyExists, field: "email") { try await harness.addDoctor(to: second, email: "Taken@Example.org") }
            #expect(try await harness.storedDoctorCount(first) == 1)
            #expect(try await harness.storedDoctorCount(second) == 0)
        }
    }

    @Test("only a clinic admin adds doctors")
    func addAuthorization() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let request = DoctorFixtures.addRequest(given: "A", family: "B", specialties: ["cardiology"])
            for options in [try harness.caller([.doctor], tenant: clinic), try harness.caller([.superAdmin]), try harness.caller([.patient])] {
                await expectError(.permissionDenied) { _ = try await harness.doctors.addDoctor(request, options: options) }
            }
            await expectError(.unauthenticated) { _ = try await harness.doctors.addDoctor(request) }
            await expectError(.permissionDenied) { _ = try await harness.doctorsFromAppointments.addDoctor(request) }
            #expect(try await harness.storedDoctorCount(clinic) == 0)
        }
    }

    @Test(
        "every invalid AddDoctor field is invalid_argument naming it, and nothing is written",
        arguments: [
            ("doctor", { @Sendable (r: inout Clinic_Doctors_V1_AddDoctorRequest) in r.doctor = nil }),
            ("doctor.name", { r in r.doctor!.name = nil }),
            ("doctor.name", { r in r.doctor!.name = .init() }),
            ("doctor.specialty_codes", { r in r.doctor!.specialtyCodes = [] }),
            ("doctor.specialty_codes[1]", { r in r.doctor!.specialtyCodes = ["cardiology", "cardiology"] }),
            ("doctor.specialty_codes[0]", { r in r.doctor!.specialtyCodes = ["witchcraft"] }),
            ("doctor.specialty_codes[0]", { r in r.doctor!.specialtyCodes = ["Not An Id!"] }),
            ("doctor.language_codes[1]", { r in r.doctor!.languageCodes = ["fr", "fr"] }),
            ("doctor.language_codes[0]", { r in r.doctor!.languageCodes = ["not a language"] }),
            ("doctor.contact.phone", { r in r.doctor!.contact!.phone = "0612345678" }),
            ("doctor.biography", { r in r.doctor!.biography = String(repeating: "x", count: 2001) }),
            ("email", { r in r.email = "" }),
            ("email", { r in r.email = "nope" }),
            ("initial_password", { r in r.initialPassword = "short" }),
            ("initial_password", { r in r.initialPassword = "aaaaaaaaaaaaaaaa" }),
            ("request_id", { r in r.requestId = "123" }),
        ] as [(String, @Sendable (inout Clinic_Doctors_V1_AddDoctorRequest) -> Void)]
    )
    func addValidation(field: String, change: @Sendable (inout Clinic_Doctors_V1_AddDoctorRequest) -> Void) async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            await expectError(.invalidArgument, field: field) { try await harness.addDoctor(to: clinic, change: change) }
            #expect(try await harness.storedDoctorCount(clinic) == 0)
        }
    }

    @Test("auth unavailable: no doctor appears; the retry resumes and makes one account")
    func authUnavailable() async throws {
        let faults = AuthFaults()
        try await withHarness(authInterceptors: [faults]) { harness async throws in
            let clinic = try await harness.makeClinic()
            faults.set(.unavailableAfter)
            var request = DoctorFixtures.addRequest(given: "Lost", family: "Response", email: "lost.doctor@example.org", specialties: ["pediatrics"])
            await expectError(.unavailable) { _ = try await harness.doctors.addDoctor(request, options: try harness.admin(clinic)) }
            var list = Clinic_Doctors_V1_ListDoctorsRequest()
            list.clinicId = clinic
            #expect(try await harness.doctors.listDoctors(list).doctors.isEmpty)
            faults.set(.none)
            request.doctor!.biography = "Corrected on retry."
            let doctor = try await harness.doctors.addDoctor(request, options: try harness.admin(clinic))
            #expect(doctor.biography == "Corrected on retry.")
            #expect(try await harness.storedDoctorCount(clinic) == 1)
            #expect(try await harness.doctors.listDoctors(list).doctors.map(\.id) == [doctor.id])
            _ = try await harness.login("lost.doctor@example.org")
        }
    }

    @Test("a retry with the same request_id returns the first doctor")
    func idempotentAdd() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            var request = DoctorFixtures.addRequest(given: "Same", family: "Key", specialties: ["cardiology"])
            request.requestId = UUID().uuidString.lowercased()
            let first = try await harness.doctors.addDoctor(request, options: try harness.admin(clinic))
            let second = try await harness.doctors.addDoctor(request, options: try harness.admin(clinic))
            #expect(first.id == second.id)
            #expect(try await harness.storedDoctorCount(clinic) == 1)
        }
    }

    @Test("GetDoctor is public with clinic_id; contact and license are for staff only")
    func getVisibility() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let anonymous = try await harness.doctors.getDoctor(Self.get(doctor.id, clinicID: clinic))
            #expect(anonymous.name == doctor.name)
            #expect(anonymous.contact == nil)
            #expect(anonymous.licenseNumber.isEmpty)
            let patient = try await harness.doctors.getDoctor(Self.get(doctor.id, clinicID: clinic), options: try harness.caller([.patient]))
            #expect(patient.contact == nil)
            let staff = try await harness.doctors.getDoctor(Self.get(doctor.id), options: try harness.admin(clinic))
            #expect(staff.contact?.phone == "+33612345678")
            #expect(staff.licenseNumber == "RPPS-10001")
            await expectError(.invalidArgument, field: "clinic_id") { _ = try await harness.doctors.getDoctor(Self.get(doctor.id)) }
            await expectError(.notFound) { _ = try await harness.doctors.getDoctor(Self.get(doctor.id, clinicID: "cln_nowhere")) }
            await expectError(.notFound) { _ = try await harness.doctors.getDoctor(Self.get("doc_nobody", clinicID: clinic)) }
            await expectError(.invalidArgument, field: "doctor_id") {
                _ = try await harness.doctors.getDoctor(Self.get("me"), options: try harness.admin(clinic))
            }
        }
    }

    @Test("the admin updates any field; the doctor only biography, languages and contact")
    func updates() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let admin = try harness.admin(clinic)
            let renamed = try await harness.doctors.updateDoctor(
                Self.update(doctor.id) { request in
                    var name = doctor.name!
                    name.familyName = "Byron"
                    request.name = name
                    var codes = Clinic_Doctors_V1_DoctorSpecialtyList()
                    codes.codes = ["cardiology", "pediatrics"]
                    request.specialtyCodes = codes
                    request.onlineBookingEnabled = false
                    request.etag = doctor.etag
                }, options: admin)
            #expect(renamed.name?.familyName == "Byron")
            #expect(renamed.specialtyCodes == ["cardiology", "pediatrics"])
            #expect(!renamed.onlineBookingEnabled)
            #expect(renamed.biography == doctor.biography)
            #expect(renamed.etag == "v2")

            let own = try harness.doctorCaller(doctor, clinicID: clinic)
            let written = try await harness.doctors.updateDoctor(
                Self.update("me") { request in
                    request.biography = "Cardiologist, Lyon."
                    var languages = Clinic_Doctors_V1_LanguageCodeList()
                    languages.codes = ["fr"]
                    request.languageCodes = languages
                }, options: own)
            #expect(written.biography == "Cardiologist, Lyon.")
            #expect(written.languageCodes == ["fr"])
            await expectError(.permissionDenied, field: "license_number") {
                _ = try await harness.doctors.updateDoctor(Self.update("me") { $0.licenseNumber = "X" }, options: own)
            }
            await expectError(.permissionDenied, field: "online_booking_enabled") {
                _ = try await harness.doctors.updateDoctor(Self.update(doctor.id) { $0.onlineBookingEnabled = true }, options: own)
            }
            let colleague = try await harness.addDoctor(to: clinic, given: "Other", family: "Colleague")
            await expectError(.permissionDenied) {
                _ = try await harness.doctors.updateDoctor(Self.update(colleague.id) { $0.biography = "Hacked" }, options: own)
            }
            await expectError(.aborted, field: "etag") {
                _ = try await harness.doctors.updateDoctor(Self.update(doctor.id) { $0.biography = "Late"; $0.etag = doctor.etag }, options: admin)
            }
            await expectError(.invalidArgument, field: "specialty_codes.codes") {
                _ = try await harness.doctors.updateDoctor(Self.update(doctor.id) { $0.specialtyCodes = .init() }, options: admin)
            }
            await expectError(.invalidArgument, field: "specialty_codes.codes[0]") {
                _ = try await harness.doctors.updateDoctor(
                    Self.update(doctor.id) { $0.specialtyCodes = .init(); $0.specialtyCodes!.codes = ["alchemy"] }, options: admin)
            }
            await expectError(.invalidArgument, field: "name") {
                _ = try await harness.doctors.updateDoctor(Self.update(doctor.id) { $0.name = .init() }, options: admin)
            }
            let now = try await harness.doctors.getDoctor(Self.get(colleague.id), options: admin)
            #expect(now.biography == colleague.biography)
        }
    }

    @Test("another clinic's admin cannot reach this clinic's doctors; they stay unchanged")
    func tenantIsolation() async throws {
        try await withHarness { harness async throws in
            let (mine, theirs) = (try await harness.makeClinic(), try await harness.makeClinic())
            let doctor = try await harness.addDoctor(to: theirs)
            let intruder = try harness.admin(mine)
            await expectError(.notFound) { _ = try await harness.doctors.getDoctor(Self.get(doctor.id), options: intruder) }
            await expectError(.notFound) {
                _ = try await harness.doctors.updateDoctor(Self.update(doctor.id) { $0.biography = "x" }, options: intruder)
            }
            await expectError(.notFound) { _ = try await harness.doctors.removeDoctor(Self.remove(doctor.id), options: intruder) }
            await expectError(.notFound) {
                _ = try await harness.doctors.setWeeklyAvailability(
                    DoctorFixtures.setAvailability(doctor.id, [DoctorFixtures.window(.monday, (9, 0), (12, 0))]), options: intruder)
            }
            // Naming the other clinic explicitly is refused outright.
            await expectError(.permissionDenied, field: "clinic_id") {
                _ = try await harness.doctors.getDoctor(Self.get(doctor.id, clinicID: theirs), options: intruder)
            }
            var list = Clinic_Doctors_V1_ListDoctorsRequest()
            list.clinicId = theirs
            await expectError(.permissionDenied, field: "clinic_id") { _ = try await harness.doctors.listDoctors(list, options: intruder) }
            #expect(try await harness.doctors.getDoctor(Self.get(doctor.id), options: try harness.admin(theirs)) == doctor)
            #expect(try await harness.storedDoctorCount(mine) == 0)
        }
    }

    @Test("removal is soft: not listed, account disabled, history kept; blocked by upcoming appointments")
    func remove() async throws {
        try await withHarness { harness async throws in
            let clinic = try await harness.makeClinic()
            let doctor = try await harness.addDoctor(to: clinic, email: "leaving@example.org")
            let admin = try harness.admin(clinic)
            await expectError(.permissionDenied) {
                _ = try await harness.doctors.removeDoctor(Self.remove(doctor.id), options: try harness.doctorCaller(doctor, clinicID: clinic))
            }
            harness.upcoming.insert(doctor.id)
            await expectError(.failedPrecondition) { _ = try await harness.doctors.removeDoctor(Self.remove(doctor.id), options: admin) }
            harness.upcoming.removeAll()
            await expectError(.aborted, field: "etag") { _ = try await harness.doctors.removeDoctor(Self.remove(doctor.id, etag: "v7"), options: admin) }

            let removed = try await harness.doctors.removeDoctor(Self.remove(doctor.id, etag: doctor.etag), options: admin)
            #expect(removed.state == .removed)
            #expect(removed.removeTime != nil)
            await expectError(.unauthenticated) { _ = try await harness.login("leaving@example.org") }
            var list = Clinic_Doctors_V1_ListDoctorsRequest()
            list.clinicId = clinic
            #expect(try await harness.doctors.listDoctors(list).doctors.isEmpty)
            await expectError(.notFound) { _ = try await harness.doctors.getDoctor(Self.get(doctor.id, clinicID: clinic)) }
            #expect(try await harness.doctors.getDoctor(Self.get(doctor.id), options: admin).state == .removed)
            list.clinicId = ""
            list.showRemoved = true
            #expect(try await harness.doctors.listDoctors(list, options: admin).doctors.map(\.id) == [doctor.id])
            list.clinicId = clinic
            await expectError(.permissionDenied, field: "show_removed") { _ = try await harness.doctors.listDoctors(list) }
            await expectError(.failedPrecondition) {
                _ = try await harness.doctors.updateDoctor(Self.update(doctor.id) { $0.biography = "x" }, options: admin)
            }
            // Removing again is harmless (and retries disabling the account).
            #expect(try await harness.doctors.removeDoctor(Self.remove(doctor.id), options: admin).state == .removed)
        }
    }
}

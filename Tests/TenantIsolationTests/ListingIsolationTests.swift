import ClinicAPI
import Foundation
import RPCCore
import Testing

/// Clinic A's callers listing and searching in their own clinic get their own rows and never one
/// of clinic B's — also when they search for B's patients by name, national id or phone. Every
/// list and search method of the built services is here (or is a public catalog exemption, which
/// may show B's public directory entry and nothing private).
@Suite("Tenant isolation: listings never show the other clinic's rows", .serialized)
struct ListingIsolationTests {
    /// One list or search call of one of A's callers in A: it must succeed, show `shows` (so the
    /// check is not vacuous: the listing works) and nothing of B.
    struct Listing: Sendable {
        var method: MethodDescriptor
        var callers: Set<Caller>
        var request: @Sendable (Caller, ClinicWorld, ClinicWorld) -> String
        /// A text of A's that the answer must contain; nil for searches meant to find nothing.
        var shows: (@Sendable (Caller, ClinicWorld) -> String)?
    }

    typealias Auth = Clinic_Auth_V1_AuthService.Method
    typealias Doctors = Clinic_Doctors_V1_DoctorService.Method
    typealias Patients = Clinic_Patients_V1_PatientService.Method
    typealias Records = Clinic_Patients_V1_MedicalRecordService.Method
    typealias Appointments = Clinic_Appointments_V1_AppointmentService.Method

    /// The patient each caller lists about: the staff-registered one for staff, themself for the patient.
    static func patientID(_ caller: Caller, _ own: ClinicWorld) -> String { caller == .patient ? own.selfPatientID : own.staffPatientID }
    /// The `clinic_id` each caller names: none for staff (the token's), their clinic for the patient.
    static func clinicID(_ caller: Caller, _ own: ClinicWorld) -> String { caller == .patient ? own.clinicID : "" }

    static let listings: [Listing] = [
        Listing(method: Auth.ListAccounts.descriptor, callers: [.admin], request: { _, _, _ in #"{"pageSize": 500, "showDeleted": true}"# },
                shows: { _, own in own.doctor.email }),
        Listing(method: Auth.ListAccounts.descriptor, callers: [.admin],
                request: { _, _, b in #"{"query": "\#(b.admin.email.prefix(9))"}"# }, shows: nil),
        Listing(method: Doctors.ListDoctors.descriptor, callers: [.admin, .doctor, .patient],
                request: { caller, own, _ in #"{"clinicId": "\#(clinicID(caller, own))", "pageSize": 500}"# },
                shows: { _, own in own.names.doctor.family }),
        Listing(method: Doctors.ListDoctors.descriptor, callers: [.admin, .doctor, .patient],
                request: { caller, own, b in #"{"clinicId": "\#(clinicID(caller, own))", "query": "\#(b.names.doctor.family)"}"# }, shows: nil),
        Listing(method: Doctors.ListAvailabilityExceptions.descriptor, callers: [.admin, .doctor],
                request: { _, own, _ in #"{"doctorId": "\#(own.doctorID)", "overlaps": \#(Templates.month)}"# },
                shows: { _, own in own.names.timeOffReason }),
        Listing(method: Patients.SearchPatients.descriptor, callers: [.admin, .doctor],
                request: { _, own, _ in #"{"query": "\#(own.names.staffPatient.family)", "showArchived": true}"# },
                shows: { _, own in own.names.staffPatientNationalID }),
        Listing(method: Patients.SearchPatients.descriptor, callers: [.admin, .doctor],
                request: { _, _, b in #"{"query": "\#(b.names.staffPatient.given) \#(b.names.staffPatient.family)", "showArchived": true}"# },
                shows: nil),
        Listing(method: Patients.SearchPatients.descriptor, callers: [.admin, .doctor],
                request: { _, _, b in #"{"nationalId": "\#(b.names.staffPatientNationalID)", "showArchived": true}"# }, shows: nil),
        Listing(method: Patients.SearchPatients.descriptor, callers: [.admin, .doctor],
                request: { _, _, b in #"{"phone": "\#(b.names.staffPatientPhone)", "showArchived": true}"# }, shows: nil),
        Listing(method: Patients.SearchPatients.descriptor, callers: [.admin, .doctor],
                request: { _, _, b in #"{"query": "\#(b.names.selfPatient.family)", "birthDate": {"year": 1990, "month": 2, "day": 3}}"# },
                shows: nil),
        Listing(method: Patients.ListPatientClinics.descriptor, callers: [.patient], request: { _, _, _ in "{}" },
                shows: { _, own in own.clinicID }),
        Listing(method: Records.ListRecordEntries.descriptor, callers: [.admin, .doctor, .patient],
                request: { caller, own, _ in #"{"patientId": "\#(patientID(caller, own))", "clinicId": "\#(clinicID(caller, own))"}"# },
                shows: { _, own in own.names.allergy }),
        Listing(method: Records.ListRecordHistory.descriptor, callers: [.admin, .doctor, .patient],
                request: { caller, own, _ in #"{"patientId": "\#(patientID(caller, own))", "clinicId": "\#(clinicID(caller, own))"}"# },
                shows: { _, own in own.names.documentTitle }),
        Listing(method: Records.ListDocuments.descriptor, callers: [.admin, .doctor, .patient],
                request: { caller, own, _ in #"{"patientId": "\#(patientID(caller, own))", "clinicId": "\#(clinicID(caller, own))"}"# },
                shows: { _, own in own.names.documentTitle }),
        Listing(method: Records.ListAuditEvents.descriptor, callers: [.admin, .patient],
                request: { caller, own, _ in
                    // A patient lists the lines about their own record: patient_id is required for them.
                    let patient = caller == .patient ? own.selfPatientID : ""
                    return #"{"clinicId": "\#(clinicID(caller, own))", "patientId": "\#(patient)", "pageSize": 500}"#
                },
                shows: { caller, own in patientID(caller, own) }),
        Listing(method: Appointments.SearchFreeSlots.descriptor, callers: [.admin, .doctor, .patient],
                request: { caller, own, _ in
                    #"{"clinicId": "\#(clinicID(caller, own))", "specialtyCode": "general-practice", "dateRange": \#(Templates.week)}"#
                },
                shows: { _, own in own.doctorID }),
        Listing(method: Appointments.ListDoctorAppointments.descriptor, callers: [.admin, .doctor],
                request: { _, own, _ in #"{"doctorId": "\#(own.doctorID)", "dateRange": \#(Templates.week)}"# },
                shows: { _, own in own.names.visitReason }),
        Listing(method: Appointments.ListPatientAppointments.descriptor, callers: [.admin, .doctor, .patient],
                request: { caller, own, _ in
                    #"{"patientId": "\#(caller == .patient ? "me" : own.staffPatientID)", "timeFilter": "APPOINTMENT_TIME_FILTER_ALL"}"#
                },
                shows: { caller, own in caller == .patient ? own.selfAppointmentID : own.staffAppointmentID }),
        Listing(method: Appointments.ListAppointments.descriptor, callers: [.admin, .doctor],
                request: { _, _, _ in #"{"interval": \#(Templates.month), "pageSize": 500}"# },
                shows: { _, own in own.names.visitReason }),
    ]

    @Test("every list and search method of the built services is covered here, or is a public catalog exemption")
    func everyListingIsCovered() {
        let covered = Set(Self.listings.map(\.method.fullName))
        let exempt = Set(Coverage.exemptions.filter { $0.kind == .publicCatalog }.map(\.method.fullName))
        for service in Coverage.builtServices {
            for method in service.methods where method.descriptor.method.hasPrefix("List") || method.descriptor.method.hasPrefix("Search") {
                let name = method.descriptor.fullName
                #expect(covered.contains(name) || exempt.contains(name), "\(name): add a Listing")
            }
        }
    }

    @Test("A's callers list and search A's rows, and never one of B's, even searching for B's patients")
    func ownRowsOnly() async throws {
        try await withHarness { harness in
            let a = try await harness.seed(.a, locality: "Lyon")
            let b = try await harness.seed(.b, locality: "Paris")
            let leaks = LeakCheck(b)
            var calls = 0
            for listing in Self.listings {
                guard let entry = Coverage.entries[listing.method.fullName] else {
                    Issue.record("\(listing.method.fullName) is not a method of a built service")
                    continue
                }
                for caller in Caller.allCases where listing.callers.contains(caller) {
                    let member = caller == .admin ? a.admin : caller == .doctor ? a.doctor : a.selfPatient
                    let json = listing.request(caller, a, b)
                    let label = "\(listing.method.fullName) as A's \(caller) \(json)"
                    let outcome = await harness.call(entry, messages: [json], options: member.options)
                    guard case .success(let messages) = outcome else {
                        Issue.record("\(label): \(outcome.summary)")
                        continue
                    }
                    calls += 1
                    let bytes = Array(messages.joined())
                    #expect(leaks.leaks(in: bytes, rule: .nothing) == [], "\(label) shows clinic B's rows")
                    if let shows = listing.shows?(caller, a) {
                        #expect(bytes.contains(subsequence: Array(shows.utf8)), "\(label) does not show A's \(shows): the check would be vacuous")
                    } else {
                        #expect(LeakCheck(a).leaks(in: bytes, rule: .nothing) == [], "\(label) was meant to find nothing")
                    }
                }
            }
            #expect(calls == Self.listings.reduce(0) { $0 + $1.callers.count })
        }
    }

    @Test("duplicate detection and the public directory never reveal B's private data to A")
    func duplicatesAndDirectory() async throws {
        try await withHarness { harness in
            let a = try await harness.seed(.a, locality: "Lyon")
            let b = try await harness.seed(.b, locality: "Paris")
            // Registering B's patient's exact identity in A finds no duplicate: the check reads A only.
            var register = Clinic_Patients_V1_RegisterPatientRequest()
            register.patient = Seed.patient(
                b.names.staffPatient, born: (1982, 7, 14), nationalID: b.names.staffPatientNationalID, phone: b.names.staffPatientPhone)
            register.validateOnly = true
            for options in [a.admin.options, a.doctor.options] {
                let answer = try await harness.patients.registerPatient(register, options: options)
                #expect(answer.likelyDuplicates.isEmpty)
            }
            // The public directory lists and finds B, with nothing but its public entry.
            var listClinics = Clinic_Clinics_V1_ListClinicsRequest()
            listClinics.pageSize = 100
            var search = Clinic_Clinics_V1_SearchClinicsRequest()
            search.query = b.names.clinic
            for member in [a.admin, a.doctor, a.selfPatient] {
                let listed = try await harness.clinics.listClinics(listClinics, options: member.options)
                #expect(Set(listed.clinics.map(\.id)) == [a.clinicID, b.clinicID])
                #expect(LeakCheck(b).leaks(in: try listed.serializedBytes(), rule: .publicOnly) == [])
                let found = try await harness.clinics.searchClinics(search, options: member.options)
                #expect(found.clinics.map(\.id) == [b.clinicID])
                #expect(LeakCheck(b).leaks(in: try found.serializedBytes(), rule: .publicOnly) == [])
            }
        }
    }
}

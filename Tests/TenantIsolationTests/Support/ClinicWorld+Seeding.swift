import ClinicAPI
import Foundation
import RPCCore

extension IsolationHarness {
    /// Seeds one clinic with everything `ClinicWorld` describes.
    func seed(_ names: ClinicNames, locality: String) async throws -> ClinicWorld {
        let password = "Correct-Horse-Battery-42"
        var requestIDs: [String: String] = [:]
        func key(_ method: MethodDescriptor) -> String {
            let id = UUID().uuidString.lowercased()
            requestIDs[method.fullName] = id
            return id
        }
        func email(_ who: String) -> String { "\(who)-\(names.tag)-\(UUID().uuidString.prefix(8).lowercased())@example.org" }

        // The clinic and its first admin.
        var create = Clinic_Clinics_V1_CreateClinicRequest()
        create.clinic = Seed.clinic(names.clinic, locality: locality)
        var invite = Clinic_Clinics_V1_ClinicAdminInvite()
        invite.name = Seed.name(names.admin.given, names.admin.family)
        invite.email = email("admin")
        invite.initialPassword = password
        create.firstAdmin = invite
        create.requestId = key(Clinic_Clinics_V1_ClinicService.Method.CreateClinic.descriptor)
        let created = try await clinics.createClinic(create, options: try superAdmin)
        let clinicID = created.clinic?.id ?? ""
        let adminLogin = try await login(invite.email, password)
        let admin = Member(
            accountID: created.adminAccountId, email: invite.email, password: password, options: adminLogin.options,
            refreshToken: adminLogin.refreshToken)

        // The doctor, their week and a time off.
        var doctor = Clinic_Doctors_V1_Doctor()
        doctor.name = Seed.name(names.doctor.given, names.doctor.family)
        doctor.specialtyCodes = ["general-practice"]
        doctor.onlineBookingEnabled = true
        doctor.licenseNumber = names.doctorLicense
        var contact = Clinic_Common_V1_ContactInfo()
        contact.phone = names.doctorPhone
        doctor.contact = contact
        var add = Clinic_Doctors_V1_AddDoctorRequest()
        add.doctor = doctor
        add.email = email("doctor")
        add.initialPassword = password
        add.requestId = key(Clinic_Doctors_V1_DoctorService.Method.AddDoctor.descriptor)
        let added = try await doctors.addDoctor(add, options: admin.options)
        var week = Clinic_Doctors_V1_SetWeeklyAvailabilityRequest()
        week.doctorId = added.id
        var availability = Clinic_Doctors_V1_WeeklyAvailability()
        availability.windows = Seed.everyMorning
        week.availability = availability
        _ = try await doctors.setWeeklyAvailability(week, options: admin.options)
        var timeOff = Clinic_Doctors_V1_CreateAvailabilityExceptionRequest()
        timeOff.doctorId = added.id
        var exception = Clinic_Doctors_V1_AvailabilityException()
        exception.kind = .timeOff
        exception.interval = Seed.interval(ClinicWorld.at(ClinicWorld.monday9, hours: 96), hours: 3)  // Friday 28 March
        exception.reason = names.timeOffReason
        timeOff.exception = exception
        timeOff.requestId = key(Clinic_Doctors_V1_DoctorService.Method.CreateAvailabilityException.descriptor)
        let exceptionID = try await doctors.createAvailabilityException(timeOff, options: admin.options).id
        let doctorLogin = try await login(add.email, password)
        let doctorMember = Member(
            accountID: added.accountId, email: add.email, password: password, options: doctorLogin.options,
            refreshToken: doctorLogin.refreshToken)

        // A patient the desk registers.
        var register = Clinic_Patients_V1_RegisterPatientRequest()
        register.patient = Seed.patient(
            names.staffPatient, born: (1982, 7, 14), nationalID: names.staffPatientNationalID, phone: names.staffPatientPhone)
        register.requestId = key(Clinic_Patients_V1_PatientService.Method.RegisterPatient.descriptor)
        let staffPatientID = try await patients.registerPatient(register, options: admin.options).patient?.id ?? ""

        // A patient who signs up and links themself to this clinic only.
        var signUp = Clinic_Patients_V1_SignUpPatientRequest()
        signUp.email = email("patient")
        signUp.password = password
        signUp.name = Seed.name(names.selfPatient.given, names.selfPatient.family)
        signUp.birthDate = Seed.date(1990, 2, 3)
        signUp.sex = .male
        signUp.phone = names.selfPatientPhone
        signUp.acceptedTermsVersion = "2025-01"
        signUp.requestId = key(Clinic_Patients_V1_PatientService.Method.SignUpPatient.descriptor)
        let signedUp = try await patients.signUpPatient(signUp)
        let patientLogin = try await login(signUp.email, password)
        let selfPatient = Member(
            accountID: signedUp.accountId, email: signUp.email, password: password, options: patientLogin.options,
            refreshToken: patientLogin.refreshToken)
        var link = Clinic_Patients_V1_LinkPatientToClinicRequest()
        link.clinicId = clinicID
        link.requestId = key(Clinic_Patients_V1_PatientService.Method.LinkPatientToClinic.descriptor)
        let selfPatientID = try await patients.linkPatientToClinic(link, options: selfPatient.options).patientId

        // Appointments: the desk books for the registered patient, the other patient books online.
        var book = Clinic_Appointments_V1_BookAppointmentRequest()
        book.doctorId = added.id
        book.patientId = staffPatientID
        book.startTime = Seed.timestamp(ClinicWorld.monday9)
        book.reasonForVisit = names.visitReason
        book.requestId = key(Clinic_Appointments_V1_AppointmentService.Method.BookAppointment.descriptor)
        let staffAppointmentID = try await appointments.bookAppointment(book, options: admin.options).id
        var online = Clinic_Appointments_V1_BookAppointmentRequest()
        online.clinicId = clinicID
        online.doctorId = added.id
        online.startTime = Seed.timestamp(ClinicWorld.at(ClinicWorld.monday9, hours: 24))
        let selfAppointmentID = try await appointments.bookAppointment(online, options: selfPatient.options).id

        // Medical records with entries and a document, for both patients; reads leave audit lines.
        let (entryID, documentID) = try await seedRecord(
            staffPatientID, names: names, doctor: doctorMember.options, keyed: true, key: key)
        let (selfEntryID, selfDocumentID) = try await seedRecord(
            selfPatientID, names: names, doctor: doctorMember.options, keyed: false, key: key)
        var read = Clinic_Patients_V1_GetMedicalRecordRequest()
        read.patientId = staffPatientID
        _ = try await records.getMedicalRecord(read, options: admin.options)
        read.patientId = selfPatientID
        read.clinicId = clinicID
        _ = try await records.getMedicalRecord(read, options: selfPatient.options)

        return ClinicWorld(
            names: names, clinicID: clinicID, admin: admin, doctor: doctorMember, doctorID: added.id, exceptionID: exceptionID,
            staffPatientID: staffPatientID, selfPatient: selfPatient, selfPatientID: selfPatientID,
            staffAppointmentID: staffAppointmentID, selfAppointmentID: selfAppointmentID, entryID: entryID,
            documentID: documentID, selfEntryID: selfEntryID, selfDocumentID: selfDocumentID, requestIDs: requestIDs)
    }

    /// Signs a new person up as a patient and links them to `clinicID`: the member and their patient id there.
    func linkedPatient(_ given: String, _ family: String, to clinicID: String) async throws -> (member: Member, patientID: String) {
        let password = "Correct-Horse-Battery-42"
        var signUp = Clinic_Patients_V1_SignUpPatientRequest()
        signUp.email = "\(given.lowercased())-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        signUp.password = password
        signUp.name = Seed.name(given, family)
        signUp.birthDate = Seed.date(1988, 8, 8)
        signUp.sex = .other
        signUp.acceptedTermsVersion = "2025-01"
        let accountID = try await patients.signUpPatient(signUp).accountId
        let login = try await login(signUp.email, password)
        var link = Clinic_Patients_V1_LinkPatientToClinicRequest()
        link.clinicId = clinicID
        let patientID = try await patients.linkPatientToClinic(link, options: login.options).patientId
        return (Member(accountID: accountID, email: signUp.email, password: password, options: login.options, refreshToken: login.refreshToken),
                patientID)
    }

    /// A record for `patientID` (by the doctor) with an allergy, a problem and a document; returns
    /// the allergy's and the document's ids. With `keyed`, the creating calls carry request ids.
    private func seedRecord(
        _ patientID: String, names: ClinicNames, doctor: CallOptions, keyed: Bool, key: (MethodDescriptor) -> String
    ) async throws -> (entryID: String, documentID: String) {
        typealias Records = Clinic_Patients_V1_MedicalRecordService.Method
        var create = Clinic_Patients_V1_CreateMedicalRecordRequest()
        create.patientId = patientID
        var record = Clinic_Patients_V1_MedicalRecord()
        record.bloodGroup = "O+"
        record.summary = names.recordSummary
        create.record = record
        if keyed { create.requestId = key(Records.CreateMedicalRecord.descriptor) }
        _ = try await records.createMedicalRecord(create, options: doctor)

        var allergy = Clinic_Patients_V1_Allergy()
        allergy.substance = names.allergy
        allergy.criticality = .high
        var entry = Clinic_Patients_V1_RecordEntry()
        entry.content = .allergy(allergy)
        var addAllergy = Clinic_Patients_V1_AddRecordEntryRequest()
        addAllergy.patientId = patientID
        addAllergy.entry = entry
        if keyed { addAllergy.requestId = key(Records.AddRecordEntry.descriptor) }
        let entryID = try await records.addRecordEntry(addAllergy, options: doctor).id
        var problem = Clinic_Patients_V1_Problem()
        problem.description = names.problem
        problem.icd10Code = "M25.4"
        var problemEntry = Clinic_Patients_V1_RecordEntry()
        problemEntry.content = .problem(problem)
        var addProblem = Clinic_Patients_V1_AddRecordEntryRequest()
        addProblem.patientId = patientID
        addProblem.entry = problemEntry
        _ = try await records.addRecordEntry(addProblem, options: doctor)

        let content = Array(names.documentContent.utf8)
        var header = Clinic_Patients_V1_DocumentUploadHeader()
        header.patientId = patientID
        header.file = Seed.file("\(names.documentTitle).txt", content: content)
        header.category = .imaging
        header.title = names.documentTitle
        if keyed { header.requestId = key(Records.UploadDocument.descriptor) }
        let first = header
        let documentID = try await records.uploadDocument(options: doctor) { writer in
            var message = Clinic_Patients_V1_UploadDocumentRequest()
            message.part = .header(first)
            try await writer.write(message)
            var chunk = Clinic_Patients_V1_UploadDocumentRequest()
            chunk.part = .chunk(content)
            try await writer.write(chunk)
        }.id
        return (entryID, documentID)
    }
}

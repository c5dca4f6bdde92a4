import ClinicAPI

/// Every doctors method is tenant scoped. GetDoctor and ListDoctors are public: anyone may read a
/// clinic's doctors (without contact and license number, which are for its staff).
enum DoctorsTargets {
    typealias Doctors = Clinic_Doctors_V1_DoctorService.Method

    static let all: [MethodTarget] = [
        MethodTarget(
            Doctors.AddDoctor.descriptor,
            [.succeeds([.admin], in: [.own, .mixed],
                       "adds a doctor to the token's clinic (the request cannot name another); the output-only doctor.id and account_id must be ignored")],
            message: {
                #"{"doctor": {"name": {"givenName": "Nils", "familyName": "Newdoc"}, "specialtyCodes": ["general-practice"]}, "email": "\#($0.freshEmail)", "initialPassword": "Correct-Horse-Battery-42"}"#
            }),
        MethodTarget(
            Doctors.GetDoctor.descriptor,
            [.succeeds([.patient], in: [.foreign], rule: .publicOnly, "public by design: anyone reads a clinic's doctor, in the public view")]),
        MethodTarget(Doctors.UpdateDoctor.descriptor, message: { _ in #"{"biography": "Rewritten by clinic A"}"# }),
        MethodTarget(Doctors.RemoveDoctor.descriptor),
        MethodTarget(
            Doctors.ListDoctors.descriptor,
            [.succeeds([.admin, .doctor, .patient], "lists the doctors of the caller's own clinic"),
             .succeeds([.patient], in: [.foreign], rule: .publicOnly, "public by design: anyone lists a clinic's doctors, in the public view")],
            message: { _ in #"{"pageSize": 50}"# }),
        MethodTarget(Doctors.GetWeeklyAvailability.descriptor),
        MethodTarget(
            Doctors.SetWeeklyAvailability.descriptor,
            message: { _ in
                #"{"availability": {"windows": [{"dayOfWeek": "DAY_OF_WEEK_MONDAY", "hours": {"start": {"hours": 14}, "end": {"hours": 18}}, "slotDuration": "1800s"}]}}"#
            }),
        MethodTarget(
            Doctors.CreateAvailabilityException.descriptor,
            [.succeeds([.admin, .doctor], in: [.mixed],
                       "time off for the caller's own doctor (as admin, or themself); the output-only exception.id is B's and must be ignored")],
            message: { context in
                // A day per caller: the admin's time off would overlap the doctor's own otherwise.
                let day = context.caller.accountID == context.own.admin.accountID ? "01" : "02"
                return #"{"exception": {"kind": "AVAILABILITY_EXCEPTION_KIND_TIME_OFF", "interval": {"startTime": "2025-04-\#(day)T07:00:00Z", "endTime": "2025-04-\#(day)T10:00:00Z"}, "reason": "Blocked by clinic A"}}"#
            }),
        MethodTarget(Doctors.ListAvailabilityExceptions.descriptor),
        MethodTarget(Doctors.DeleteAvailabilityException.descriptor),
        MethodTarget(Doctors.GetDoctorSchedule.descriptor, message: { _ in #"{"dateRange": \#(Templates.week)}"# }),
    ]
}

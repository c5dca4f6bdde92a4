import ClinicAPI

/// Every appointments method but ListPatientAppointments is tenant scoped; a patient may search
/// and book in any clinic, and needs to be linked for everything else (docs/SERVICES.md).
enum AppointmentsTargets {
    typealias Appointments = Clinic_Appointments_V1_AppointmentService.Method

    static let all: [MethodTarget] = [
        MethodTarget(
            Appointments.SearchFreeSlots.descriptor,
            [.succeeds([.patient], in: [.foreign], rule: .publicOnly,
                       "public by design: anyone, a patient of another clinic included, searches a clinic's free slots")],
            message: { _ in #"{"doctorId": "", "dateRange": \#(Templates.week), "pageSize": 100}"# }),
        MethodTarget(
            Appointments.BookAppointment.descriptor,
            [.notCalledHere([.patient], in: [.foreign],
                            "by design a patient books for themself in any clinic (patient_id ignored); SelfServiceTests checks it"),
             .succeeds([.patient], in: [.mixed], "a patient books for themself with their own clinic's doctor: B's patient_id is ignored")],
            message: { _ in #"{"startTime": "\#(Templates.freeSlot)", "reasonForVisit": "Booked by clinic A"}"# }),
        MethodTarget(Appointments.RescheduleAppointment.descriptor, message: { _ in #"{"startTime": "\#(Templates.nextFreeSlot)"}"# }),
        MethodTarget(Appointments.CancelAppointment.descriptor, message: { _ in #"{"reason": "CANCELLATION_REASON_PATIENT_REQUEST"}"# }),
        MethodTarget(Appointments.ConfirmAppointment.descriptor),
        MethodTarget(Appointments.CheckInAppointment.descriptor),
        MethodTarget(Appointments.MarkNoShow.descriptor),
        MethodTarget(Appointments.CompleteAppointment.descriptor),
        MethodTarget(Appointments.GetAppointment.descriptor),
        MethodTarget(Appointments.ListDoctorAppointments.descriptor, message: { _ in #"{"dateRange": \#(Templates.week)}"# }),
        MethodTarget(
            Appointments.ListPatientAppointments.descriptor, message: { _ in #"{"timeFilter": "APPOINTMENT_TIME_FILTER_ALL"}"# }),
        MethodTarget(
            Appointments.ListAppointments.descriptor,
            [.succeeds([.admin, .doctor], in: [.own, .mixed], "lists the token's clinic only, filtered by B's doctor and patient ids")],
            message: { _ in #"{"interval": \#(Templates.month), "pageSize": 100}"# }),
    ]
}

package import ClinicAPI
package import Foundation
import RPCCore
package import Storage
import WellKnownTypes

/// Whether a doctor still has upcoming PROPOSED or BOOKED appointments, which blocks
/// RemoveDoctor (`failed_precondition`). The appointments service knows; the composition root
/// passes `.appointments(client)`. Without one, removal is not blocked.
package struct UpcomingAppointmentsCheck: Sendable {
    let hasUpcoming: @Sendable (_ clinic: TenantID, _ doctorID: String) async throws -> Bool

    /// A check made of a closure (tests, other wiring).
    package init(_ hasUpcoming: @escaping @Sendable (_ clinic: TenantID, _ doctorID: String) async throws -> Bool) {
        self.hasUpcoming = hasUpcoming
    }

    /// Asks the appointments service (ListAppointments, as the doctors service) for one PROPOSED
    /// or BOOKED appointment of the doctor starting from now, in windows of 92 days (the most one
    /// request covers) up to `horizon` ahead.
    package static func appointments(
        _ client: Clinic_Appointments_V1_AppointmentService.Client, horizon: Duration = .seconds(2 * 366 * 86_400),
        timeout: Duration = .seconds(10), now: @escaping @Sendable () -> Date = { Date() }
    ) -> UpcomingAppointmentsCheck {
        UpcomingAppointmentsCheck { clinic, doctorID in
            let start = Int64(now().timeIntervalSince1970)
            let end = start + horizon.components.seconds
            let window: Int64 = 92 * 86_400
            var from = start
            while from < end {
                var interval = Clinic_Common_V1_Interval()
                interval.startTime = Google_Protobuf_Timestamp(seconds: from)
                interval.endTime = Google_Protobuf_Timestamp(seconds: min(end, from + window))
                var request = Clinic_Appointments_V1_ListAppointmentsRequest()
                request.clinicId = clinic.rawValue
                request.interval = interval
                request.doctorIds = [doctorID]
                request.statuses = [.proposed, .booked]
                request.pageSize = 1
                let page = try await client.listAppointments(request, options: CallOptions(timeout: timeout))
                if !page.appointments.isEmpty { return true }
                from += window
            }
            return false
        }
    }
}

import Foundation
import Logging
import Platform
import RPCCore
import Storage

/// DeleteClinic and UndeleteClinic turn the clinic's staff logins off and on in the auth service
/// (SetClinicAccess), as a small saga:
///
/// 1. The status change is stored with `access_pending` set, in the same transaction (so every
///    other service already answers `not_found` for a deleted clinic).
/// 2. The auth service is told, with the clinic's version as the generation: it ignores an older
///    change arriving after a newer one, so retries and restarts cannot undo a newer change.
/// 3. Its confirmation clears `access_pending` (unless the clinic changed again meanwhile).
///
/// If the auth service cannot be reached, the call answers `unavailable` (repeating it finishes
/// the job) and a background loop retries with backoff; the service also resumes every pending
/// change when it starts, like the creation saga.
extension ClinicsService {
    /// Makes the auth service follow `record`'s status if that is not confirmed yet; throws
    /// `unavailable` when the auth service could not be told.
    func applyStaffAccess(_ record: ClinicRecord, logger: Logger) async throws {
        guard record.accessPending else { return }
        do {
            try await confirmStaffAccess(record)
        } catch {
            logger.warning(
                "clinic staff access not confirmed by auth; retrying in the background",
                metadata: ["clinics.clinic": "\(record.id)", "rpc.code": "\((error as? RPCError)?.code.description ?? "unknown")"])
            // The call just tried: the first background pass waits one delay.
            scheduleStaffAccessRetry(waitingFirst: true)
            let change = record.status == .deleted ? "turned off" : "turned back on"
            throw RPCError(
                code: .unavailable,
                message: "the clinic's staff logins could not be \(change) yet; repeat the request to finish it")
        }
    }

    /// One pass over every change still pending: tells the auth service once each. Returns how
    /// many are still pending afterwards.
    package func resumePendingStaffAccess() async -> Int {
        guard let pending = try? await database.read("the clinics", { db in try ClinicStore.accessPending(db) }) else { return 1 }
        var remaining = 0
        for record in pending {
            do {
                try await confirmStaffAccess(record)
            } catch {
                remaining += 1
            }
        }
        return remaining
    }

    /// Starts the background retry loop unless one is running: a pass (after
    /// `staffAccessRetryDelay` when `waitingFirst`), then again after that delay, doubling up to a
    /// minute, until nothing is pending or the service closes.
    func scheduleStaffAccessRetry(waitingFirst: Bool = false) {
        staffAccessRetry.withLock { retry in
            guard retry.task == nil, !retry.closed else { return }
            let initialDelay = configuration.staffAccessRetryDelay
            retry.task = Task {
                var delay = initialDelay
                if waitingFirst {
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(60))
                }
                while !Task.isCancelled, await self.resumePendingStaffAccess() > 0 {
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(60))
                }
                self.staffAccessRetry.withLock { $0.task = nil }
            }
        }
    }

    /// Tells the auth service and records its confirmation for `record`'s version.
    private func confirmStaffAccess(_ record: ClinicRecord) async throws {
        try await accounts.setStaffAccess(clinicID: record.id, enabled: record.status == .active, generation: record.version)
        let (id, version) = (record.id, record.version)
        try await database.write("the clinic") { db in try ClinicStore.confirmAccess(id: id, version: version, db) }
    }
}

import ClinicAPI
import Foundation
import RPCCore
import Testing

/// Issue 4's tenant isolation test (and issue 6's "cover every new RPC"): two clinics with data;
/// every RPC of every built service (from `ClinicAPICatalog`, see `Coverage`) is called with
/// clinic A's admin, doctor and patient on clinic B's ids — every id field of the request filled
/// with B's values, with `clinic_id` naming B and again naming the caller's own clinic — and must
/// answer not_found or permission_denied (or an answer `MethodTarget.allowances` lists with its
/// reason); clinic B must be unchanged, both as B's own people read it and byte for byte in what
/// B has on disk.
@Suite("Tenant isolation: clinic A's callers on clinic B's ids", .serialized)
struct IsolationMatrixTests {
    @Test("every RPC, with A's admin, doctor and patient on B's ids, is refused, leaks nothing and leaves B unchanged")
    func everyRPCOnTheOtherClinicsIDs() async throws {
        try await withHarness { harness in
            #expect(Set(Coverage.builtServices.map(\.descriptor.fullName)) == harness.servedServices)
            let a = try await harness.seed(.a, locality: "Lyon")
            let b = try await harness.seed(.b, locality: "Paris")
            let mentions = [b.clinicID, b.doctorID, b.doctor.accountID, b.admin.email, b.doctor.email, b.selfPatient.email] + b.privateIDs
            let observedBefore = try await ObservedState.read(b, through: harness)
            let storedBefore = try StoredState.read(directory: harness.directory, clinicID: b.clinicID, mentions: mentions)

            let matrix = Matrix(harness: harness, own: a, target: b)
            let tally = try await matrix.run(Coverage.targets)
            let probed = try await matrix.probe(Coverage.exemptions)

            let storedAfter = try StoredState.read(directory: harness.directory, clinicID: b.clinicID, mentions: mentions)
            #expect(storedAfter.differences(from: storedBefore) == [], "what clinic B has on disk changed")
            let observedAfter = try await ObservedState.read(b, through: harness)
            #expect(observedAfter.differences(from: observedBefore, admin: b.admin.accountID) == [])
            // No call made a database for anything but a clinic (a patient id used as a tenant, say).
            let databases = StoredState.files(under: harness.directory).filter { $0.hasSuffix(".sqlite") }
            let strays = databases.filter { path in ![a.clinicID, b.clinicID].contains { path.hasSuffix("/\($0).sqlite") } }
            #expect(strays == [])

            // The matrix did run: every target was called, and most calls were refusals.
            #expect(tally.refused > 400, "\(tally)")
            #expect(probed == Coverage.exemptions.filter(\.kind.isProbed).count * Caller.allCases.count)
            print("tenant isolation matrix: \(tally); \(probed) probes of super-admin and service-only methods")
        }
    }
}

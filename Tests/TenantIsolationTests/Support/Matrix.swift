import ClinicAPI
import Foundation
import RPCCore
import Testing

/// Runs every `MethodTarget` with each of the own clinic's callers on the target clinic's ids,
/// and records what is wrong as test issues.
struct Matrix {
    let harness: IsolationHarness
    /// The callers' clinic.
    let own: ClinicWorld
    /// The clinic whose ids the requests carry.
    let target: ClinicWorld
    /// Callers to run (all three by default).
    var callers: [Caller] = Caller.allCases
    /// The member acting as each caller (own's admin, doctor and signed-up patient by default).
    var member: (Caller) -> Member
    /// Allowances that take precedence over the targets' own, by method full name (for callers
    /// whose situation differs, such as a patient of A who is now also linked to B).
    var extraAllowances: [String: [Allowance]] = [:]

    /// What the matrix did, for the summary and for checks that it did anything at all.
    struct Tally: CustomStringConvertible {
        var refused = 0
        var allowedSuccesses = 0
        var notCalledHere = 0
        var notFormable = 0
        var codes: [String: Int] = [:]

        var calls: Int { refused + allowedSuccesses }
        var description: String {
            "\(calls) calls: \(refused) refused (\(codes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))), "
                + "\(allowedSuccesses) allowed successes, "
                + "\(notCalledHere) left to other tests, \(notFormable) own-scope requests that cannot be formed"
        }
    }

    init(harness: IsolationHarness, own: ClinicWorld, target: ClinicWorld) {
        self.harness = harness
        self.own = own
        self.target = target
        self.member = { caller in
            switch caller {
            case .admin: own.admin
            case .doctor: own.doctor
            case .patient: own.selfPatient
            }
        }
    }

    /// `ISOLATION_TRACE=1` prints every call of the matrix with its answer.
    static let tracing = ProcessInfo.processInfo.environment["ISOLATION_TRACE"] != nil

    /// The target clinic's values for each slot (several for some: each is tried).
    func candidates(_ slot: IDSlot, scope: Scope, caller: Caller, method: MethodDescriptor) -> [String] {
        switch slot {
        case .clinic: return [scope == .foreign ? target.clinicID : (caller == .patient ? own.clinicID : "")]
        case .doctor: return [target.doctorID]
        case .patient: return [target.staffPatientID, target.selfPatientID]
        case .appointment: return [target.staffAppointmentID, target.selfAppointmentID]
        case .entry: return [target.entryID]
        case .document: return [target.documentID]
        case .exception: return [target.exceptionID]
        case .account: return [target.admin.accountID, target.doctor.accountID, target.selfPatient.accountID]
        // No such resource exists anywhere: consultations and prescriptions are not built yet.
        case .consultation: return ["con_isolation_b"]
        case .prescription: return ["rx_isolation_b"]
        // The target clinic's own idempotency key for this method, when its seeding used one.
        case .requestID: return [target.requestIDs[method.fullName] ?? UUID().uuidString.lowercased()]
        }
    }

    /// Slots that name a resource of one clinic (the others are keys or ids of services not built).
    static let resourceSlots: Set<IDSlot> = [.doctor, .patient, .appointment, .entry, .document, .exception, .account]

    /// The caller's own value for a resource slot: their clinic's resources that go together
    /// (the staff-registered patient's record for staff, their own for the patient).
    func ownValue(_ slot: IDSlot, caller: Caller) -> String {
        let patient = caller == .patient
        switch slot {
        case .doctor: return own.doctorID
        case .patient: return patient ? own.selfPatientID : own.staffPatientID
        case .appointment: return patient ? own.selfAppointmentID : own.staffAppointmentID
        case .entry: return patient ? own.selfEntryID : own.entryID
        case .document: return patient ? own.selfDocumentID : own.documentID
        case .exception: return own.exceptionID
        case .account: return member(caller).accountID
        case .clinic, .consultation, .prescription, .requestID: return ""
        }
    }

    /// The scopes a request with `slots` runs in.
    static func scopes(for slots: Set<IDSlot>) -> [Scope] {
        let resources = slots.intersection(resourceSlots).count
        return (slots.contains(.clinic) ? [.foreign, .own] : [.own]) + (resources >= 2 ? [.mixed] : [])
            + (slots.contains(.clinic) && resources >= 1 ? [.crossed] : [])
    }

    /// The id values of each call of a request with `slots` in `scope`: every combination of one
    /// target value per slot; in the mixed scope, the caller's own values but for one slot.
    func assignments(_ slots: Set<IDSlot>, scope: Scope, caller: Caller, method: MethodDescriptor) -> [[IDSlot: String]] {
        if scope == .crossed {
            var values = assignments(slots.subtracting(Self.resourceSlots), scope: .foreign, caller: caller, method: method).first ?? [:]
            for slot in slots.intersection(Self.resourceSlots) { values[slot] = ownValue(slot, caller: caller) }
            return [values]
        }
        if scope == .mixed {
            let shared = slots.subtracting(Self.resourceSlots)
            let base = assignments(shared, scope: .own, caller: caller, method: method).first ?? [:]
            let resources = slots.intersection(Self.resourceSlots)
            return resources.sorted().flatMap { foreign in
                candidates(foreign, scope: .own, caller: caller, method: method).map { value in
                    var values = base
                    for slot in resources { values[slot] = slot == foreign ? value : ownValue(slot, caller: caller) }
                    return values
                }
            }
        }
        var result: [[IDSlot: String]] = [[:]]
        for slot in slots.sorted() {
            let values = candidates(slot, scope: scope, caller: caller, method: method)
            result = result.flatMap { partial in values.map { value in partial.merging([slot: value]) { $1 } } }
        }
        return result
    }

    func run(_ targets: [MethodTarget], sourceLocation: SourceLocation = #_sourceLocation) async throws -> Tally {
        var tally = Tally()
        let leakCheck = LeakCheck(target)
        for methodTarget in targets {
            let method = methodTarget.method
            guard let entry = Coverage.entries[method.fullName] else {
                Issue.record("\(method.fullName) is not a method of a built service", sourceLocation: sourceLocation)
                continue
            }
            let descriptor = entry.input.protoDescriptor
            for caller in callers {
                let context = TemplateContext(caller: member(caller), target: target, own: own)
                let templates = methodTarget.messages(context)
                var slots = Set<IDSlot>()
                for template in templates { slots.formUnion(try IDFields.slots(in: template, of: descriptor)) }
                for scope in Self.scopes(for: slots) {
                    let allowance = extraAllowances[method.fullName]?.first { $0.callers.contains(caller) && $0.scopes.contains(scope) }
                        ?? methodTarget.allowance(for: caller, in: scope)
                    if case .notCalledHere? = allowance?.outcome {
                        tally.notCalledHere += 1
                        continue
                    }
                    for values in assignments(slots, scope: scope, caller: caller, method: method) {
                        let messages = try templates.map { try IDFields.filled($0, of: descriptor, values: values) }
                        let label = "\(method.fullName) as \(own.names.tag.uppercased())'s \(caller) (\(scope) clinic, "
                            + values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + ")"
                        let outcome = await harness.call(entry, messages: messages, options: member(caller).options)
                        if Self.tracing { print("isolation: \(label) -> \(outcome.summary)") }
                        switch outcome {
                        case .invalidRequest(let why):
                            // Staff name their own clinic by leaving clinic_id empty; where the field
                            // is required (UpdateClinic) that request cannot be formed.
                            if scope != .foreign, slots.contains(.clinic), why.contains("clinic_id") {
                                tally.notFormable += 1
                            } else {
                                Issue.record("the table's request is invalid: \(label): \(why)", sourceLocation: sourceLocation)
                            }
                        case .failure(let error) where error.code == .notFound || error.code == .permissionDenied:
                            tally.refused += 1
                            tally.codes["\(error.code)", default: 0] += 1
                            let leaks = leakCheck.leaks(in: outcome, rule: .idsEchoed)
                            #expect(leaks.isEmpty, "\(label): the refusal's message shows \(leaks)", sourceLocation: sourceLocation)
                        case .success:
                            guard case .success(let rule)? = allowance?.outcome else {
                                Issue.record("\(label) SUCCEEDED on clinic \(target.names.tag.uppercased())'s ids", sourceLocation: sourceLocation)
                                continue
                            }
                            tally.allowedSuccesses += 1
                            let leaks = leakCheck.leaks(in: outcome, rule: rule)
                            #expect(leaks.isEmpty, "\(label) returned clinic \(target.names.tag.uppercased())'s \(leaks)", sourceLocation: sourceLocation)
                        case .failure(let error):
                            Issue.record(
                                "\(label): \(error.code) \"\(error.message)\", expected not_found or permission_denied",
                                sourceLocation: sourceLocation)
                        }
                    }
                }
            }
        }
        return tally
    }

    /// Calls each super-admin-only and service-only method with each caller and the target
    /// clinic's ids (not validated: the policy check comes before the request is even decoded)
    /// and expects permission_denied.
    func probe(_ exemptions: [Exemption], sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int {
        var probed = 0
        for exemption in exemptions where exemption.kind.isProbed {
            guard let entry = Coverage.entries[exemption.method.fullName] else { continue }
            let descriptor = entry.input.protoDescriptor
            for caller in callers {
                var values = [IDSlot: String]()
                for slot in try IDFields.slots(in: "{}", of: descriptor) {
                    values[slot] = candidates(slot, scope: .foreign, caller: caller, method: exemption.method).first
                }
                let message = try IDFields.filled("{}", of: descriptor, values: values)
                let outcome = await harness.call(entry, messages: [message], options: member(caller).options, validating: false)
                #expect(
                    outcome.code == .permissionDenied, "\(exemption.method.fullName) as \(caller): \(outcome)",
                    sourceLocation: sourceLocation)
                probed += 1
            }
        }
        return probed
    }
}

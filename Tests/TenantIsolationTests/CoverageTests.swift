import ClinicAPI
import ProtoRuntime
import RPCCore
import Testing

/// The isolation matrix covers every RPC: these checks fail when the catalog grows a service or
/// method the matrix does not know how to target, or an id field it cannot fill, or when an
/// exemption no longer matches the method's policy.
@Suite("Tenant isolation: coverage of the catalog")
struct CoverageTests {
    @Test("every service of the catalog is built and covered, or listed with a reason")
    func everyService() {
        let built = Set(Coverage.builtServices.map(\.descriptor.fullName))
        for service in ClinicAPICatalog.services {
            let name = service.descriptor.fullName
            let other = Coverage.otherServices[name]
            #expect(built.contains(name) != (other != nil), "\(name): list it in Coverage.builtServices or Coverage.otherServices")
            switch other?.kind {
            case .internalOnly?:
                for method in service.methods {
                    #expect(method.descriptor.policy.isInternal, "\(method.descriptor.fullName) is not internal: give it a MethodTarget")
                }
            case .infrastructure?:
                for method in service.methods {
                    #expect(!method.descriptor.policy.isTenantScoped, "\(method.descriptor.fullName) is tenant scoped")
                    #expect(
                        !Self.hasIDField(method.input.protoDescriptor),
                        "\(method.descriptor.fullName) takes an id: it is not plumbing any more, give it a MethodTarget")
                }
            case .notBuiltYet?, nil:
                break
            }
        }
        #expect(Set(Coverage.otherServices.keys).isSubset(of: Set(ClinicAPICatalog.services.map(\.descriptor.fullName))))
    }

    @Test("every method of a built service has exactly one target or exemption, and exemptions fit their policies")
    func everyMethod() {
        var handled: [String: Int] = [:]
        for target in Coverage.targets { handled[target.method.fullName, default: 0] += 1 }
        for exemption in Coverage.exemptions {
            handled[exemption.method.fullName, default: 0] += 1
            #expect(exemption.fits(exemption.method.policy), "\(exemption.method.fullName): its policy no longer fits \(exemption.kind)")
            #expect(!exemption.reason.isEmpty)
        }
        let methods = Coverage.builtServices.flatMap(\.methods).map(\.descriptor.fullName)
        for method in methods {
            #expect(handled[method] == 1, "\(method): give it exactly one MethodTarget or Exemption (has \(handled[method] ?? 0))")
        }
        #expect(Set(handled.keys).subtracting(methods).isEmpty, "targets of methods that do not exist")
        for target in Coverage.targets {
            for allowance in target.allowances {
                #expect(!allowance.reason.isEmpty && !allowance.callers.isEmpty && !allowance.scopes.isEmpty)
            }
        }
    }

    @Test("every id field of every targeted request is one the matrix knows how to fill")
    func everyIDField() {
        for target in Coverage.targets {
            guard let entry = Coverage.entries[target.method.fullName] else { continue }
            let unknown = IDFields.unknownFields(in: entry.input.protoDescriptor)
            #expect(unknown.isEmpty, "\(target.method.fullName): tell IDFields.slot(of:in:) what \(unknown.sorted()) name")
        }
    }

    static func hasIDField(_ message: ProtoRuntime.MessageDescriptor) -> Bool {
        var visited = Set<String>()
        func walk(_ message: ProtoRuntime.MessageDescriptor) -> Bool {
            guard visited.insert(message.fullName).inserted else { return false }
            return message.fields.contains { field in
                if IDFields.isID(field) { return true }
                if case .message(let nested) = field.type { return walk(nested) }
                return false
            }
        }
        return walk(message)
    }
}

import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore
import Testing

/// The generated `fieldRules` (the data the OpenAPI schemas are built from) held against the
/// generated `validate()`, for every message type the services' requests and responses reach:
/// the generator renders both from one model, and this checks that they agree where it counts.
@Suite struct FieldRulesTests {
    /// Every request and response type of every service, and the types their rules lead to.
    static let types: [any ProtoMessage.Type] = {
        var seen: Set<String> = []
        var ordered: [any ProtoMessage.Type] = []
        var pending = ClinicAPICatalog.services.flatMap(\.methods).flatMap { [$0.input, $0.output] }
        while !pending.isEmpty {
            let type = pending.removeFirst()
            guard seen.insert(type.protoDescriptor.fullName).inserted else { continue }
            ordered.append(type)
            pending += type.fieldRules.compactMap(\.messageType)
        }
        return ordered
    }()

    @Test func theCatalogCarriesRules() {
        #expect(Self.types.count > 100)
        #expect(Self.types.filter { !$0.fieldRules.isEmpty }.count > 80)
        let login = Clinic_Auth_V1_LoginRequest.fieldRules
        #expect(login.first == FieldRule(name: "email", jsonName: "email", isRequired: true, maxLength: 254, format: .email))
        #expect(Clinic_Health_V1_HealthCheckRequest.fieldRules.isEmpty || !Clinic_Health_V1_HealthCheckRequest.fieldRules.contains(where: \.isRequired))
    }

    @Test func everyRuleNamesAFieldOfItsMessage() {
        for type in Self.types {
            let descriptor = type.protoDescriptor
            for rule in type.fieldRules {
                let field = descriptor.field(named: rule.name)
                #expect(field?.jsonName == rule.jsonName, "\(descriptor.fullName).\(rule.name)")
                #expect(rule.oneof == nil || field?.isOneofMember == true, "\(descriptor.fullName).\(rule.name)")
            }
        }
    }

    /// A message with every rule satisfied (from the data) validates; taking one field away makes
    /// `validate()` report it as required exactly when the data says `isRequired`.
    @Test func requiredFieldsAreTheOnesValidateReports() throws {
        for type in Self.types { try checkRequired(type) }
    }

    /// Each bound, format, pattern and item count in the data is one `validate()` enforces, at the
    /// field's path.
    @Test func boundsAreTheOnesValidateChecks() throws {
        var checked = 0
        for type in Self.types { checked += try checkBounds(type) }
        // Not vacuous: the platform's protos have hundreds of bounds.
        #expect(checked > 300, "\(checked) violations checked")
    }

    private func checkRequired<Message: ProtoMessage>(_ type: Message.Type) throws {
        let name = Message.protoDescriptor.fullName
        guard let valid = RuleSamples.valid(type) else {
            Issue.record("\(name): no valid sample from the rules \(Message.fieldRules)")
            return
        }
        do {
            try decode(Message.self, valid).validate()
        } catch {
            Issue.record("\(name): a message satisfying the data fails validate(): \(error) (\(valid))")
            return
        }
        var reported: Set<String> = []
        for key in valid.keys {
            var without = valid
            without[key] = nil
            // A required oneof: every case gone.
            let rule = Message.fieldRules.first { $0.jsonName == key }
            let message = try decode(Message.self, without)
            do throws(ValidationError) {
                try message.validate()
            } catch where error.reason == "is required" || error.reason == "must not be empty" {
                #expect(error.fieldPath == rule?.oneof ?? rule?.name, "\(name): removing \(key) reports \(error)")
                reported.insert(error.fieldPath)
            } catch {}
        }
        let expected = Set(Message.fieldRules.filter(\.isRequired).map { $0.oneof ?? $0.name })
        #expect(reported == expected, "\(name): validate() requires \(reported.sorted()), the data says \(expected.sorted())")
    }

    /// The number of violations checked.
    private func checkBounds<Message: ProtoMessage>(_ type: Message.Type) throws -> Int {
        let name = Message.protoDescriptor.fullName
        guard let valid = RuleSamples.valid(type) else { return 0 }
        var checked = 0
        for rule in Message.fieldRules where rule.oneof == nil {
            guard let field = Message.protoDescriptor.field(named: rule.name),
                let fieldValue = valid[rule.jsonName] ?? RuleSamples.value(of: field, rule: rule, depth: 0)
            else { continue }
            for violation in RuleSamples.violations(of: field, rule: rule, valid: fieldValue) {
                var object = valid
                object[rule.jsonName] = violation.value
                let message: Message
                do {
                    message = try decode(Message.self, object)
                } catch {
                    // The JSON decoder already refuses it (an enum number it does not know, say).
                    continue
                }
                checked += 1
                #expect(throws: ValidationError.self, "\(name).\(rule.name): \(violation.reason) is not checked") {
                    try message.validate()
                }
                do throws(ValidationError) {
                    try message.validate()
                } catch {
                    #expect(error.fieldPath == violation.path && error.reason.hasPrefix(violation.reason),
                            "\(name).\(rule.name) expected \(violation.path): \(violation.reason)…, got \(error)")
                }
            }
        }
        return checked
    }

    private func decode<Message: ProtoMessage>(_: Message.Type, _ object: [String: Any]) throws -> Message {
        let data = try JSONSerialization.data(withJSONObject: object)
        return try Message(jsonUTF8Bytes: [UInt8](data))
    }
}

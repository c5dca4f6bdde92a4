import Foundation
import ProtoRuntime

/// Which kind of resource an id field of a request names.
enum IDSlot: String, Hashable, Sendable, CaseIterable, Comparable {
    case clinic, doctor, patient, appointment, entry, document, exception, account
    /// Ids of services not built yet (consultations, prescriptions): no such resource exists.
    case consultation, prescription
    /// Idempotency keys (`request_id`): the target clinic's own keys, where it used one.
    case requestID

    static func < (lhs: IDSlot, rhs: IDSlot) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Finds and fills the id fields of request messages, driven by their descriptors (so a new id
/// field anywhere in a request is noticed, not silently left empty).
///
/// An id field is a string field named `id` or ending in `_id`/`_ids`. Its slot comes from its
/// name, or for a plain `id` from the message that holds it. A field the table below does not
/// know is reported, and the isolation tests fail until someone says what it names.
enum IDFields {
    /// The slot of `field` (a field of `message`), nil when unknown.
    static func slot(of field: FieldDescriptor, in message: MessageDescriptor) -> IDSlot? {
        switch field.name {
        case "clinic_id": return .clinic
        case "doctor_id", "doctor_ids": return .doctor
        case "patient_id": return .patient
        case "appointment_id": return .appointment
        case "entry_id": return .entry
        case "document_id": return .document
        case "exception_id": return .exception
        case "account_id", "actor_account_id": return .account
        case "consultation_id": return .consultation
        case "prescription_id": return .prescription
        case "request_id": return .requestID
        case "id": return idSlots[message.fullName]
        default: return nil
        }
    }

    /// What the plain `id` of a message names.
    private static let idSlots: [String: IDSlot] = [
        "clinic.clinics.v1.Clinic": .clinic,
        "clinic.doctors.v1.Doctor": .doctor,
        "clinic.doctors.v1.AvailabilityException": .exception,
        "clinic.patients.v1.Patient": .patient,
        "clinic.patients.v1.RecordEntry": .entry,
        "clinic.patients.v1.MedicalDocument": .document,
        "clinic.appointments.v1.Appointment": .appointment,
        "clinic.auth.v1.Account": .account,
    ]

    static func isID(_ field: FieldDescriptor) -> Bool {
        guard case .string = field.type, !notResourceIDs.contains(field.name) else { return false }
        return field.name == "id" || field.name.hasSuffix("_id") || field.name.hasSuffix("_ids")
    }

    /// Fields named like ids that name no resource of the platform.
    private static let notResourceIDs: Set<String> = [
        // A person's government identifier, a search criterion (the listing test searches for B's).
        "national_id",
    ]

    /// Every id field anywhere in `message`'s type tree that `slot(of:in:)` does not know, as
    /// `message.field` names (for the coverage test).
    static func unknownFields(in message: MessageDescriptor) -> Set<String> {
        var unknown = Set<String>()
        var visited = Set<String>()
        func walk(_ message: MessageDescriptor) {
            guard visited.insert(message.fullName).inserted, !message.fullName.hasPrefix("google.protobuf.") else { return }
            for field in message.fields {
                if isID(field) {
                    if slot(of: field, in: message) == nil { unknown.insert("\(message.fullName).\(field.name)") }
                } else if case .message(let nested) = field.type {
                    walk(nested)
                }
            }
        }
        walk(message)
        return unknown
    }

    /// The slots of the id fields `fill` would set in `json` (a message of type `message`).
    static func slots(in json: String, of message: MessageDescriptor) throws -> Set<IDSlot> {
        var object = try parse(json)
        var present = Set<IDSlot>()
        fill(&object, message, values: [:], present: &present)
        return present
    }

    /// `json` with every id field of the message and of its nested messages that are set in it
    /// replaced by the value of its slot (members of a `oneof` only when the template sets them);
    /// slots without a value are left as they are.
    static func filled(_ json: String, of message: MessageDescriptor, values: [IDSlot: String]) throws -> String {
        var object = try parse(json)
        var present = Set<IDSlot>()
        fill(&object, message, values: values, present: &present)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    private static func parse(_ json: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw CocoaError(.propertyListReadCorrupt)
        }
        return object
    }

    private static func fill(
        _ object: inout [String: Any], _ message: MessageDescriptor, values: [IDSlot: String], present: inout Set<IDSlot>
    ) {
        for field in message.fields {
            let key = object[field.jsonName] != nil ? field.jsonName : (object[field.name] != nil ? field.name : nil)
            if isID(field) {
                guard let slot = slot(of: field, in: message) else { continue }  // reported by the coverage test
                if field.isOneofMember, key == nil { continue }
                present.insert(slot)
                guard let value = values[slot] else { continue }
                if let key, key != field.jsonName { object.removeValue(forKey: key) }
                object[field.jsonName] = field.label == .repeated ? [value] : value
            } else if case .message(let nested) = field.type, !nested.fullName.hasPrefix("google.protobuf."), !field.isMap,
                let key
            {
                if var child = object[key] as? [String: Any] {
                    fill(&child, nested, values: values, present: &present)
                    object[key] = child
                } else if let children = object[key] as? [[String: Any]] {
                    object[key] = children.map { element in
                        var child = element
                        fill(&child, nested, values: values, present: &present)
                        return child
                    }
                }
            }
        }
    }
}

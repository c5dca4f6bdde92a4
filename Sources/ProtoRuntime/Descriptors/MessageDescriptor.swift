internal import CProtobufC

/// A message type as protobuf-c describes it: name, fields and their C layout.
///
/// Wraps the static descriptor that protoc-c emits. Its address comes from a C accessor emitted by
/// the code generator, never from `withUnsafePointer(to:)` on the imported global, which yields a
/// dangling stack copy in release builds.
public struct MessageDescriptor: @unchecked Sendable, Hashable, CustomStringConvertible {
    // Sendable: points at an immutable static descriptor that lives as long as the process.
    let raw: UnsafePointer<ProtobufCMessageDescriptor>

    /// Wraps a `const ProtobufCMessageDescriptor *` returned by a generated C accessor.
    public init(_cDescriptor pointer: UnsafeRawPointer) {
        self.raw = pointer.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
    }

    init(_ raw: UnsafePointer<ProtobufCMessageDescriptor>) {
        self.raw = raw
    }

    /// The fully qualified name, e.g. `clinic.auth.v1.LoginRequest`.
    public var fullName: String { String(cString: raw.pointee.name) }

    /// The unqualified name, e.g. `LoginRequest`.
    public var name: String { String(cString: raw.pointee.short_name) }

    /// The proto package, e.g. `clinic.auth.v1`.
    public var packageName: String { String(cString: raw.pointee.package_name) }

    /// The fields in field-number order.
    public var fields: [FieldDescriptor] {
        (0..<Int(raw.pointee.n_fields)).map { FieldDescriptor(message: self, index: $0) }
    }

    /// The field numbered `number`, if the message declares one.
    public func field(number: Int32) -> FieldDescriptor? {
        guard number > 0, let field = protobuf_c_message_descriptor_get_field(raw, UInt32(number)) else {
            return nil
        }
        return FieldDescriptor(message: self, index: raw.pointee.fields.distance(to: field))
    }

    /// The field whose proto name or JSON name is `name`.
    public func field(named name: String) -> FieldDescriptor? {
        if let field = protobuf_c_message_descriptor_get_field_by_name(raw, name) {
            return FieldDescriptor(message: self, index: raw.pointee.fields.distance(to: field))
        }
        return fields.first { $0.jsonName == name }
    }

    /// Whether this is the synthetic entry type protoc makes for a `map<K, V>` field.
    ///
    /// protobuf-c 1.4.1 keeps no map flag, so this applies protoc's naming rule: a nested message
    /// named `<Field>Entry` with exactly `key = 1` and `value = 2`. The generator checks the rule
    /// against the descriptor set's `map_entry` flag for every proto it compiles.
    public var isMapEntry: Bool {
        guard raw.pointee.n_fields == 2, name.hasSuffix("Entry") else { return false }
        let key = raw.pointee.fields[0], value = raw.pointee.fields[1]
        return key.id == 1 && value.id == 2
            && String(cString: key.name) == "key" && String(cString: value.name) == "value"
            && key.label == PROTOBUF_C_LABEL_NONE && value.label == PROTOBUF_C_LABEL_NONE
    }

    /// Size of the C struct, for allocating one in an arena.
    var cSize: Int { Int(raw.pointee.sizeof_message) }

    public var description: String { fullName }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.raw == rhs.raw }
    public func hash(into hasher: inout Hasher) { hasher.combine(raw) }
}

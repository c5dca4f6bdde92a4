internal import CProtobufC

/// An enum type as protobuf-c describes it: its values by name and number.
public struct EnumDescriptor: @unchecked Sendable, Hashable, CustomStringConvertible {
    // Sendable: points at an immutable static descriptor that lives as long as the process.
    let raw: UnsafePointer<ProtobufCEnumDescriptor>

    /// Wraps a `const ProtobufCEnumDescriptor *` returned by a generated C accessor.
    public init(_cDescriptor pointer: UnsafeRawPointer) {
        self.raw = pointer.assumingMemoryBound(to: ProtobufCEnumDescriptor.self)
    }

    init(_ raw: UnsafePointer<ProtobufCEnumDescriptor>) {
        self.raw = raw
    }

    /// The fully qualified name, e.g. `clinic.common.v1.Role`.
    public var fullName: String { String(cString: raw.pointee.name) }

    /// The declared values (aliases excluded), in numeric order.
    public var values: [(name: String, number: Int32)] {
        (0..<Int(raw.pointee.n_values)).map {
            let value = raw.pointee.values[$0]
            return (String(cString: value.name), Int32(value.value))
        }
    }

    /// The first declared name of `number`, or nil for a number the enum does not declare.
    public func name(of number: Int32) -> String? {
        guard let value = protobuf_c_enum_descriptor_get_value(raw, number) else { return nil }
        return String(cString: value.pointee.name)
    }

    /// The number named `name` (aliases included), or nil.
    public func number(named name: String) -> Int32? {
        guard let value = protobuf_c_enum_descriptor_get_value_by_name(raw, name) else { return nil }
        return Int32(value.pointee.value)
    }

    public var description: String { fullName }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.raw == rhs.raw }
    public func hash(into hasher: inout Hasher) { hasher.combine(raw) }
}

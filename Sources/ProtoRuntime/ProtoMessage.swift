/// A generated protobuf message: a Swift value type that converts to and from the protobuf-c struct
/// of the same type, which does the wire encoding.
///
/// Generated code implements the two `_c` conversions; everything else (binary, JSON, reflection)
/// comes from extensions on this protocol.
public protocol ProtoMessage: SerializableMessage, Equatable {
    /// A message with every field at its default.
    init()

    /// The protobuf-c descriptor of this message type.
    static var protoDescriptor: MessageDescriptor { get }

    /// The `(clinic.options.v1.rules)` of the fields as data (what `validate()` checks), in field
    /// order; empty by default (Validation/FieldRule.swift).
    static var fieldRules: [FieldRule] { get }

    /// Fields read from the wire that this version of the schema does not know.
    var unknownFields: UnknownFields { get set }

    /// Copies the C message at `pointer` (of this type's descriptor) into a Swift value.
    init(_cMessage pointer: UnsafeRawPointer) throws(ProtoError)

    /// Copies the C message at `pointer` into this value, which holds the defaults (`init()`).
    ///
    /// Binary decoding reads into the value it returns this way, so a large message is built
    /// where it ends up instead of being moved there; by default it is `init(_cMessage:)`.
    mutating func _readC(_ pointer: UnsafeRawPointer) throws(ProtoError)

    /// Fills the C message at `pointer` (initialized for this type's descriptor) from this value,
    /// allocating everything it points to in `arena`.
    func _writeC(to pointer: UnsafeMutableRawPointer, arena: inout ProtoArena) throws(ProtoError)

    /// Whether `_writeC` adds every byte pack may write to `ProtoArena`'s packed-size bound
    /// (generated code does, for the whole tree it builds), so encoding can size its output by
    /// that bound. False by default: encoding then measures with protobuf-c first.
    static var _keepsPackedSizeBound: Bool { get }
}

extension ProtoMessage {
    public static var _keepsPackedSizeBound: Bool { false }

    @inlinable
    public mutating func _readC(_ pointer: UnsafeRawPointer) throws(ProtoError) {
        self = try Self(_cMessage: pointer)
    }

    /// A message built by mutating a default one: `Patient.with { $0.name = "Ada" }`.
    public static func with(_ populate: (inout Self) throws -> Void) rethrows -> Self {
        var message = Self()
        try populate(&message)
        return message
    }
}

/// A generated enum: known cases plus `UNRECOGNIZED(n)` so unknown numbers survive a round trip.
public protocol ProtoEnum: Sendable, Hashable, CaseIterable {
    /// The enum's protobuf-c descriptor, for JSON names.
    static var protoDescriptor: EnumDescriptor { get }

    /// The case for a wire number (unknown numbers included).
    init(protoNumber: Int32)

    /// The wire number.
    var protoNumber: Int32 { get }
}

/// A copy-on-write box for a message field whose type contains the message itself.
public final class ProtoBox<Value: Sendable & Equatable>: Sendable, Equatable {
    /// The boxed message.
    public let value: Value

    public init(_ value: Value) { self.value = value }

    public static func == (lhs: ProtoBox, rhs: ProtoBox) -> Bool { lhs === rhs || lhs.value == rhs.value }
}

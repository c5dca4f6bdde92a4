/// Fields a decoder did not recognize, kept verbatim so a round trip through an older schema
/// loses nothing.
public struct UnknownFields: Sendable, Hashable {
    /// One unrecognized field: its number, wire type and raw payload (without the tag).
    public struct Field: Sendable, Hashable {
        public var number: UInt32
        public var wireType: UInt8
        public var data: [UInt8]

        public init(number: UInt32, wireType: UInt8, data: [UInt8]) {
            self.number = number
            self.wireType = wireType
            self.data = data
        }
    }

    /// The fields in the order they appeared.
    public var fields: [Field] = []

    public init() {}

    /// Whether there are none (the common case).
    public var isEmpty: Bool { fields.isEmpty }
}

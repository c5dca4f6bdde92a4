import ProtoRuntime

/// A message the edge carries as its protobuf bytes: the edge translates JSON straight to and
/// from binary by descriptor, and the service behind it decodes and validates the typed message.
struct RawMessage: SerializableMessage, Hashable {
    var bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    init(serializedBytes buffer: UnsafeRawBufferPointer, limits: DecodingLimits) throws(ProtoError) {
        guard buffer.count <= limits.maxBytes else {
            throw ProtoError(.tooLarge, "message of \(buffer.count) bytes exceeds the limit of \(limits.maxBytes)")
        }
        bytes = Array(buffer)
    }

    func serializedBytes() throws(ProtoError) -> [UInt8] { bytes }
}

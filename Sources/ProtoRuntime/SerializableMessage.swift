/// A value that travels as protobuf bytes.
///
/// The RPC layer is generic over this rather than `ProtoMessage`, so it can carry any encoding;
/// every generated message conforms through `ProtoMessage`.
public protocol SerializableMessage: Sendable {
    /// Decodes `bytes`, rejecting input that breaks `limits` before decoding starts.
    init(serializedBytes bytes: UnsafeRawBufferPointer, limits: DecodingLimits) throws(ProtoError)

    /// Encodes the message in the protobuf binary format.
    func serializedBytes() throws(ProtoError) -> [UInt8]
}

extension SerializableMessage {
    /// Decodes `bytes` with the default limits.
    public init(serializedBytes bytes: [UInt8], limits: DecodingLimits = .default) throws(ProtoError) {
        self = try bytes.withUnsafeBytes { (buffer) throws(ProtoError) -> Self in
            try Self(serializedBytes: buffer, limits: limits)
        }
    }
}

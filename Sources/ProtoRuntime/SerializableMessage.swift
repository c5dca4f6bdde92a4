/// A value that travels as protobuf bytes.
///
/// The RPC layer is generic over this rather than `ProtoMessage`, so it can carry any encoding;
/// every generated message conforms through `ProtoMessage`.
public protocol SerializableMessage: Sendable {
    /// Decodes `bytes`, rejecting input that breaks `limits` before decoding starts.
    init(serializedBytes bytes: UnsafeRawBufferPointer, limits: DecodingLimits) throws(ProtoError)

    /// Decodes `bytes` as above. A requirement, not only an extension, so generic callers (the RPC
    /// layer decodes every message this way) reach the conforming type's specialised version: the
    /// generic one below costs type-metadata lookups on every message.
    init(serializedBytes bytes: [UInt8], limits: DecodingLimits) throws(ProtoError)

    /// Encodes the message in the protobuf binary format.
    func serializedBytes() throws(ProtoError) -> [UInt8]

    /// Checks the field rules declared in the `.proto`; the default accepts everything.
    func validate() throws(ValidationError)
}

extension SerializableMessage {
    public func validate() throws(ValidationError) {}
}

extension SerializableMessage {
    /// Decodes `bytes` with the default limits.
    @inlinable
    public init(serializedBytes bytes: [UInt8]) throws(ProtoError) {
        try self.init(serializedBytes: bytes, limits: .default)
    }

    /// Decodes `bytes` through the buffer form (for conformers other than `ProtoMessage`).
    @inlinable
    public init(serializedBytes bytes: [UInt8], limits: DecodingLimits) throws(ProtoError) {
        // withUnsafeBytes only rethrows untyped errors, so the typed one travels beside it.
        var decoded: Self?
        var failure: ProtoError?
        bytes.withUnsafeBytes { buffer in
            do throws(ProtoError) {
                decoded = try Self(serializedBytes: buffer, limits: limits)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        // Unwrapped without a check: no failure means the closure stored a value.
        self = decoded.take().unsafelyUnwrapped
    }
}

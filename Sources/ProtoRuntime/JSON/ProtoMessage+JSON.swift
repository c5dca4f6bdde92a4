extension ProtoMessage {
    /// The proto3 JSON text of this message.
    ///
    /// Built through the C struct (the same one binary encoding packs), so every message type
    /// shares the descriptor-driven mapping.
    public func jsonString(options: JSONEncodingOptions = JSONEncodingOptions()) throws(ProtoError) -> String {
        String(decoding: try jsonUTF8Bytes(options: options), as: UTF8.self)
    }

    /// The proto3 JSON text of this message as UTF-8 bytes.
    public func jsonUTF8Bytes(options: JSONEncodingOptions = JSONEncodingOptions()) throws(ProtoError) -> [UInt8] {
        var arena = ProtoArena()
        let message = try cMessage(in: &arena)
        return try CMessageJSONEncoder.encode(UnsafeRawPointer(message), descriptor: Self.protoDescriptor, options: options)
    }

    /// Reads a message from proto3 JSON text.
    public init(jsonString: String, options: JSONDecodingOptions = JSONDecodingOptions()) throws(ProtoError) {
        try self.init(jsonUTF8Bytes: jsonString.utf8, options: options)
    }

    /// Reads a message from proto3 JSON given as UTF-8 bytes.
    public init(jsonUTF8Bytes bytes: some Collection<UInt8>, options: JSONDecodingOptions = JSONDecodingOptions()) throws(ProtoError) {
        self = try withContiguousBytes(bytes) { (buffer) throws(ProtoError) -> Self in
            var arena = ProtoArena()
            let message = try CMessageJSONDecoder.decode(
                buffer, descriptor: Self.protoDescriptor, options: options, arena: &arena)
            return try Self(_cMessage: UnsafeRawPointer(message))
        }
    }
}

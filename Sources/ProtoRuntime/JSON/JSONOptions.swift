/// How a message is written as proto3 JSON.
public struct JSONEncodingOptions: Sendable {
    /// Also write proto3 fields that hold their default value (0, "", false, empty lists and
    /// maps); fields with presence (messages, oneof members) are written only when set either way.
    public var emitDefaultValues: Bool
    /// Use the `.proto` field names (`birth_date`) instead of the lowerCamelCase JSON names.
    public var useProtoFieldNames: Bool
    /// Message types that `google.protobuf.Any` values may hold (the well-known types are always in).
    public var typeRegistry: TypeRegistry
    /// Deepest nesting of messages written; deeper values fail with `.tooDeep` instead of
    /// exhausting the stack.
    public var maxDepth: Int

    public init(
        emitDefaultValues: Bool = false,
        useProtoFieldNames: Bool = false,
        typeRegistry: TypeRegistry = TypeRegistry(),
        maxDepth: Int = DecodingLimits.default.maxDepth
    ) {
        self.emitDefaultValues = emitDefaultValues
        self.useProtoFieldNames = useProtoFieldNames
        self.typeRegistry = typeRegistry
        self.maxDepth = maxDepth
    }
}

/// How proto3 JSON is read into a message.
public struct JSONDecodingOptions: Sendable {
    /// Skip object members that name no field (and enum names the enum does not declare) instead of
    /// failing with `.unknownField` / `.invalidValue`.
    public var ignoreUnknownFields: Bool
    /// Message types that `google.protobuf.Any` values may hold (the well-known types are always in).
    public var typeRegistry: TypeRegistry
    /// Deepest nesting accepted, counted both in JSON arrays/objects and in messages (map entries
    /// included, as the binary decoder counts them), so whatever JSON decoding accepts also passes
    /// the binary decoder with the same limit.
    public var maxDepth: Int
    /// Largest JSON text accepted, in bytes.
    public var maxBytes: Int

    public init(
        ignoreUnknownFields: Bool = false,
        typeRegistry: TypeRegistry = TypeRegistry(),
        maxDepth: Int = DecodingLimits.default.maxDepth,
        maxBytes: Int = DecodingLimits.default.maxBytes
    ) {
        self.ignoreUnknownFields = ignoreUnknownFields
        self.typeRegistry = typeRegistry
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }
}

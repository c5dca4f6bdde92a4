internal import CProtobufC

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads values out of unpacked protobuf-c structs into Swift values (deep copies).
///
/// Generated `init(_cMessage:)` calls these; they validate what protobuf-c does not (UTF-8).
public enum CMessageReader {
    /// A Swift copy of a `char *` string field; proto3 requires UTF-8.
    ///
    /// Binary decoding relies on this check (the wire scanner leaves UTF-8 to it); `field` names
    /// the field in the error.
    @inlinable
    public static func string(_ pointer: UnsafePointer<CChar>?, field: String = "") throws(ProtoError) -> String {
        guard let pointer, pointer.pointee != 0 else { return "" }
        // One pass to measure, one to validate and copy (the generic `String(validating:as:)`
        // instantiates metadata on every call).
        guard let string = String(validatingCString: pointer) else { throw invalidUTF8(field: field) }
        return string
    }

    /// The error for a string field that is not UTF-8; out of line, so that `string` stays small
    /// enough to be inlined into the generated readers (one call fewer per string).
    @usableFromInline @inline(never)
    static func invalidUTF8(field: String) -> ProtoError {
        ProtoError(.invalidUTF8, "string is not valid UTF-8", fieldPath: field.isEmpty ? nil : field)
    }

    /// A Swift copy of `count` UTF-8 bytes at `pointer`.
    public static func string(_ pointer: UnsafeRawPointer, count: Int) throws(ProtoError) -> String {
        if count == 0 { return "" }
        let buffer = UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: UInt8.self), count: count)
        guard UTF8Validation.isValid(buffer) else {
            throw ProtoError(.invalidUTF8, "string field is not valid UTF-8")
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// A Swift copy of a `ProtobufCBinaryData` field's bytes.
    @inlinable
    public static func bytes(count: Int, data: UnsafePointer<UInt8>?) -> [UInt8] {
        guard count > 0, let data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: count))
    }

    /// A Swift copy of a repeated scalar field (`n_xxx`, `xxx`).
    @inlinable
    public static func array<T>(count: Int, _ pointer: UnsafePointer<T>?) -> [T] {
        guard count > 0, let pointer else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// A Swift array built from `count` C elements by `element` (strings, enums, messages).
    @inlinable
    public static func array<C, T, E: Error>(
        count: Int,
        _ pointer: UnsafePointer<C>?,
        _ element: (C) throws(E) -> T
    ) throws(E) -> [T] {
        guard count > 0, let pointer else { return [] }
        var result: [T] = []
        result.reserveCapacity(count)
        for index in 0..<count { result.append(try element(pointer[index])) }
        return result
    }

    /// A Swift copy of the C message at `pointer`, or the default message for NULL (a map entry
    /// without a value).
    @inlinable
    public static func message<M: ProtoMessage>(_ pointer: UnsafeRawPointer?, as type: M.Type = M.self) throws(ProtoError) -> M {
        guard let pointer else { return M() }
        return try M(_cMessage: pointer)
    }

    /// The unknown fields protobuf-c kept for the message at `message`.
    public static func unknownFields(_ message: UnsafeRawPointer) -> UnknownFields {
        let base = message.assumingMemoryBound(to: ProtobufCMessage.self)
        let count = Int(base.pointee.n_unknown_fields)
        guard count > 0, let entries = base.pointee.unknown_fields else { return UnknownFields() }
        var fields = UnknownFields()
        fields.fields.reserveCapacity(count)
        for entry in UnsafeBufferPointer(start: entries, count: count) {
            fields.fields.append(
                UnknownFields.Field(
                    number: entry.tag,
                    wireType: UInt8(truncatingIfNeeded: entry.wire_type.rawValue),
                    data: bytes(count: entry.len, data: entry.data)
                ))
        }
        return fields
    }
}

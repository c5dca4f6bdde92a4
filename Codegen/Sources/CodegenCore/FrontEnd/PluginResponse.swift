/// Writes a `google.protobuf.compiler.CodeGeneratorResponse`.
public enum PluginResponse {
    /// A response carrying the generated files.
    public static func encode(files: [Generator.OutputFile]) -> [UInt8] {
        var out: [UInt8] = []
        // supported_features = FEATURE_PROTO3_OPTIONAL (1): protoc-c rejects `optional` anyway,
        // but declaring it lets protoc pass synthetic oneofs through untouched.
        appendVarintField(2, 1, to: &out)
        for file in files {
            var entry: [UInt8] = []
            appendBytesField(1, Array(file.name.utf8), to: &entry)
            appendBytesField(15, Array(file.content.utf8), to: &entry)
            appendBytesField(15, entry, to: &out)
        }
        return out
    }

    /// A response reporting an error (protoc prints it and fails).
    public static func encode(error: String) -> [UInt8] {
        var out: [UInt8] = []
        appendBytesField(1, Array(error.utf8), to: &out)
        return out
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    private static func appendVarintField(_ number: UInt64, _ value: UInt64, to out: inout [UInt8]) {
        appendVarint(number << 3, to: &out)
        appendVarint(value, to: &out)
    }

    private static func appendBytesField(_ number: UInt64, _ bytes: [UInt8], to out: inout [UInt8]) {
        appendVarint(number << 3 | 2, to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out += bytes
    }
}

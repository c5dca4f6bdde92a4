internal import CProtobufC

/// Rewrites protobuf bytes so that no message holds a singular message field twice, by joining
/// the occurrences' payloads into one: concatenating encodings is how the wire format defines
/// merging, so the result decodes to the same message.
///
/// protobuf-c 1.4.1 gets those merges wrong: a oneof message member given twice keeps only the
/// last occurrence, and merging sub-messages that themselves hold repeated fields can make unpack
/// fail. Only input on which `WireScanner.check` reported such a repetition comes here, after
/// the scanner validated it, so the walk below can trust the structure.
enum WireMerger {
    /// The merged encoding of `bytes`, a message of type `descriptor`. Never longer than `bytes`:
    /// every join drops at least one tag and length.
    static func merged(_ bytes: UnsafeRawBufferPointer, descriptor: MessageDescriptor) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        merge(Array(bytes)[...], descriptor: descriptor.raw, into: &output)
        return output
    }

    /// One field occurrence as found on the wire.
    private struct Occurrence {
        var range: Range<Int>
        var payload: Range<Int>?
        var number: UInt64
        /// Joined with the other occurrences of the same group; emitted at the group's last one.
        var group: Int?
        /// A message payload (merged recursively).
        var nested: UnsafePointer<ProtobufCMessageDescriptor>?
    }

    private static func merge(
        _ bytes: ArraySlice<UInt8>,
        descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        into output: inout [UInt8]
    ) {
        guard let occurrences = parse(bytes, descriptor: descriptor) else {
            // Not expected after the scanner's check; leave such bytes for protobuf-c to reject.
            output.append(contentsOf: bytes)
            return
        }
        var lastOfGroup: [Int: Int] = [:]
        for (index, occurrence) in occurrences.enumerated() {
            if let group = occurrence.group { lastOfGroup[group] = index }
        }
        for (index, occurrence) in occurrences.enumerated() {
            guard let nested = occurrence.nested, let payload = occurrence.payload else {
                output.append(contentsOf: bytes[occurrence.range])
                continue
            }
            let joined: ArraySlice<UInt8>
            if let group = occurrence.group {
                guard lastOfGroup[group] == index else { continue }
                var parts: [UInt8] = []
                for other in occurrences where other.group == group {
                    // Force-unwrap: a grouped occurrence is always length-delimited.
                    parts.append(contentsOf: bytes[other.payload!])
                }
                joined = parts[...]
            } else {
                joined = bytes[payload]
            }
            var inner: [UInt8] = []
            inner.reserveCapacity(joined.count)
            merge(joined, descriptor: nested, into: &inner)
            appendVarint(occurrence.number << 3 | 2, to: &output)
            appendVarint(UInt64(inner.count), to: &output)
            output.append(contentsOf: inner)
        }
    }

    /// The occurrences of one message level, with merge groups assigned: all occurrences of a
    /// plain singular message field form one group; a oneof member forms a new group each time
    /// another member of its oneof came in between (that member replaced it).
    private static func parse(
        _ bytes: ArraySlice<UInt8>,
        descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    ) -> [Occurrence]? {
        var occurrences: [Occurrence] = []
        var groupOfField: [Int: Int] = [:]
        // oneof (by quantifier offset) → (member field index, its current group)
        var oneofRun: [UInt32: (field: Int, group: Int)] = [:]
        var nextGroup = 0
        var position = bytes.startIndex
        while position < bytes.endIndex {
            let start = position
            guard let key = readVarint(bytes, &position) else { return nil }
            let number = key >> 3
            var payload: Range<Int>? = nil
            switch key & 7 {
            case 0: guard readVarint(bytes, &position) != nil else { return nil }
            case 1: position += 8
            case 5: position += 4
            case 2:
                guard let length = readVarint(bytes, &position), length <= UInt64(bytes.endIndex - position) else { return nil }
                payload = position..<position + Int(length)
                position += Int(length)
            default: return nil
            }
            guard position <= bytes.endIndex else { return nil }
            var occurrence = Occurrence(range: start..<position, payload: payload, number: number)
            guard number <= UInt64(UInt32.max),
                let field = protobuf_c_message_descriptor_get_field(descriptor, UInt32(number))
            else {
                occurrences.append(occurrence)
                continue
            }
            let index = descriptor.pointee.fields.distance(to: field)
            let isOneof = field.pointee.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0
            let isMessage = field.pointee.type == PROTOBUF_C_TYPE_MESSAGE && payload != nil
            if isMessage {
                occurrence.nested = field.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
            }
            if isOneof {
                let oneof = field.pointee.quantifier_offset
                if isMessage {
                    if let run = oneofRun[oneof], run.field == index {
                        occurrence.group = run.group
                    } else {
                        occurrence.group = nextGroup
                        oneofRun[oneof] = (index, nextGroup)
                        nextGroup += 1
                    }
                } else {
                    oneofRun[oneof] = nil
                }
            } else if isMessage && field.pointee.label != PROTOBUF_C_LABEL_REPEATED {
                if let group = groupOfField[index] {
                    occurrence.group = group
                } else {
                    occurrence.group = nextGroup
                    groupOfField[index] = nextGroup
                    nextGroup += 1
                }
            }
            occurrences.append(occurrence)
        }
        return occurrences
    }

    private static func readVarint(_ bytes: ArraySlice<UInt8>, _ position: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.endIndex, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    private static func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }
}

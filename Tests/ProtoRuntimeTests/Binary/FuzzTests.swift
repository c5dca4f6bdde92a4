import ClinicAPI
import ConformanceProtos
import ProtoRuntime
import Testing
import WellKnownTypes

/// Thousands of random and mutated buffers through the decoder: every one decodes or fails with a
/// `ProtoError` (typed throws guarantee the type), and whatever decodes encodes again.
@Suite("Random and mutated input never crashes the decoder")
struct FuzzTests {
    /// Seeds for valid messages to mutate: a rich fixture and random messages of every field kind.
    static func seeds() throws -> [[UInt8]] {
        var generator = SplitMix64(seed: 0x5EED)
        var seeds = [try Fixtures.everyFieldKind.serializedBytes()]
        for _ in 0..<40 {
            seeds.append(try RandomMessages.message(using: &generator, depth: 3, allowNaN: true).serializedBytes())
        }
        return seeds.filter { !$0.isEmpty }
    }

    @Test("20,000 buffers: random bytes, bit flips, byte edits, splices, truncations, length corruption")
    func mutatedBuffers() throws {
        var generator = SplitMix64(seed: 0xC11_0C)
        let seeds = try Self.seeds()
        var decoded = 0, rejected = 0
        var codes: Set<String> = []
        for round in 0..<20_000 {
            let bytes = Self.mutate(seeds[round % seeds.count], round: round, seeds: seeds, using: &generator)
            do {
                let message = try TestAllTypes(serializedBytes: bytes)
                _ = try message.serializedBytes()
                decoded += 1
            } catch {
                #expect(!error.message.isEmpty)
                codes.insert(error.code.description)
                rejected += 1
            }
        }
        #expect(decoded + rejected == 20_000)
        #expect(decoded > 1000 && rejected > 1000)
        // The failures are classified, not all lumped together.
        #expect(codes.isSuperset(of: ["truncated", "malformed", "invalidUTF8"]))
    }

    @Test("the same mutations against other message types: well-known types and platform messages")
    func otherTypes() throws {
        var generator = SplitMix64(seed: 0xFEED)
        let seeds = try Self.seeds()
        for round in 0..<6_000 {
            let bytes = Self.mutate(seeds[round % seeds.count], round: round, seeds: seeds, using: &generator)
            Self.decodeAndReencode(Google_Protobuf_Struct.self, bytes)
            Self.decodeAndReencode(Google_Protobuf_Value.self, bytes)
            Self.decodeAndReencode(Google_Protobuf_Any.self, bytes)
            Self.decodeAndReencode(Clinic_Patients_V1_UpdatePatientRequest.self, bytes)
            Self.decodeAndReencode(Clinic_Appointments_V1_Appointment.self, bytes)
        }
    }

    private static func decodeAndReencode<M: ProtoMessage>(_ type: M.Type, _ bytes: [UInt8]) {
        do {
            let message = try M(serializedBytes: bytes)
            _ = try message.serializedBytes()
        } catch {
            // A typed ProtoError: the point is only that nothing crashed.
        }
    }

    /// One hostile buffer derived from `seed`, by a strategy chosen from the round number.
    static func mutate(
        _ seed: [UInt8], round: Int, seeds: [[UInt8]], using generator: inout SplitMix64
    ) -> [UInt8] {
        var bytes = seed
        func index() -> Int { Int(generator.next() % UInt64(max(bytes.count, 1))) }
        switch round % 7 {
        case 0:  // random bytes
            return (0..<Int(generator.next() % 300)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        case 1:  // bit flips
            for _ in 0..<(1 + Int(generator.next() % 4)) where !bytes.isEmpty {
                bytes[index()] ^= 1 << UInt8(generator.next() % 8)
            }
        case 2:  // byte overwrites, inserts and deletions
            for _ in 0..<(1 + Int(generator.next() % 6)) where !bytes.isEmpty {
                switch generator.next() % 3 {
                case 0: bytes[index()] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: index())
                default: bytes.remove(at: index())
                }
            }
        case 3:  // splice a piece of another seed in
            let other = seeds[Int(generator.next() % UInt64(seeds.count))]
            let start = Int(generator.next() % UInt64(other.count))
            let piece = other[start..<min(other.count, start + Int(generator.next() % 64))]
            let at = index()
            bytes.replaceSubrange(at..<min(bytes.count, at + piece.count), with: piece)
        case 4:  // truncation
            bytes.removeLast(Int(generator.next() % UInt64(bytes.count)))
        case 5:  // a length or varint made huge: continuation bits set on a run of bytes
            let start = index()
            for offset in 0..<Int(1 + generator.next() % 10) where start + offset < bytes.count {
                bytes[start + offset] |= 0x80
            }
        default:  // duplicated runs: repeated fields and repeated singular messages
            let start = index()
            let run = bytes[start..<min(bytes.count, start + Int(generator.next() % 40))]
            bytes.insert(contentsOf: run, at: index())
        }
        return bytes
    }
}

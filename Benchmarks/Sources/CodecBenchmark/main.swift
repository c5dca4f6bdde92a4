import BenchProtos
import CBenchProtos
import Foundation
import ProtoRuntime
import SwiftProtobuf
import SwiftProtobufProtos

// Codec benchmark: our wrapper (protoc-gen-clinic + protobuf-c), apple/swift-protobuf, and raw
// protobuf-c in C as the floor, on the same bytes, in one release-build run.
// Usage: CodecBenchmark [path to shared/bench]   (Benchmarks/run.sh codec passes it)

typealias OurAppointment = BenchProtos.Perf_Appointment
typealias OurPatient = BenchProtos.Perf_Patient
typealias TheirAppointment = SwiftProtobufProtos.Perf_Appointment
typealias TheirPatient = SwiftProtobufProtos.Perf_Patient

let benchDirectory = CommandLine.arguments.dropFirst().first ?? "../shared/bench"

/// One message of the benchmark in each implementation's form, all holding the same content.
struct Subject {
    var name: String
    var bytes: [UInt8]
    var encodeOurs: () throws -> [UInt8]
    var encodeTheirs: () throws -> [UInt8]
    var decodeOurs: ([UInt8]) throws -> Void
    var decodeTheirs: ([UInt8]) throws -> Void
    /// The protobuf-c descriptor, for the raw C loops.
    var descriptor: UnsafeRawPointer
}

func subject<Ours: ProtoMessage, Theirs: SwiftProtobuf.Message>(
    _ name: String, bytes: [UInt8], ours: Ours.Type, theirs: Theirs.Type, descriptor: UnsafeRawPointer
) throws -> Subject {
    let ourMessage = try Ours(serializedBytes: bytes)
    let theirMessage = try Theirs(serializedBytes: bytes)
    // Same content: both re-encode to the same length as the input (map order may differ).
    guard try ourMessage.serializedSize() == bytes.count, (try theirMessage.serializedBytes() as [UInt8]).count == bytes.count else {
        throw FixtureError(message: "\(name): implementations disagree on the encoded size")
    }
    return Subject(
        name: "\(name) (\(bytes.count) B)", bytes: bytes,
        encodeOurs: { try ourMessage.serializedBytes() },
        encodeTheirs: { try theirMessage.serializedBytes() },
        decodeOurs: { _ = try Ours(serializedBytes: $0) },
        decodeTheirs: { _ = try Theirs(serializedBytes: $0) },
        descriptor: descriptor)
}

let appointmentBytes = try Fixture.appointmentBytes(benchDirectory: benchDirectory)
let appointment = try OurAppointment(serializedBytes: appointmentBytes)

// The 64 KiB message: the same record with its notes repeated until it reaches 64 KiB.
var large = appointment
let notesSize = try OurAppointment.with { $0.notes = appointment.notes }.serializedSize()
let repeats = (64 * 1024 - appointmentBytes.count + notesSize - 1) / notesSize + 1
large.notes = Array([[String]](repeating: appointment.notes, count: repeats).joined())

let subjects = [
    try subject("appointment", bytes: appointmentBytes, ours: OurAppointment.self, theirs: TheirAppointment.self,
                descriptor: perf__appointment__descriptor_ref()),
    try subject("small (patient)", bytes: try appointment.patient!.serializedBytes(), ours: OurPatient.self,
                theirs: TheirPatient.self, descriptor: perf__patient__descriptor_ref()),
    try subject("64 KiB (\(large.notes.count) notes)", bytes: try large.serializedBytes(), ours: OurAppointment.self,
                theirs: TheirAppointment.self, descriptor: perf__appointment__descriptor_ref()),
]

/// A protobuf-c message unpacked from `bytes`, kept for the raw pack loop.
final class RawMessage {
    let pointer: UnsafeMutableRawPointer
    init(_ subject: Subject) {
        // Force-unwrap: the bytes decoded in every implementation above.
        pointer = subject.bytes.withUnsafeBufferPointer {
            rawbench_unpack(subject.descriptor, $0.baseAddress, $0.count)
        }!
    }
    deinit { rawbench_free(pointer) }
}

var workloads: [Harness.Workload] = []
var rawMessages: [RawMessage] = []
for subject in subjects {
    let raw = RawMessage(subject)
    rawMessages.append(raw)
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: subject.bytes.count + 64)
    let bytes = subject.bytes
    workloads += [
        .init(message: subject.name, operation: "encode", implementation: "ours") { n in
            var total = 0
            for _ in 0..<n { total &+= try! subject.encodeOurs().count }
            return total
        },
        .init(message: subject.name, operation: "encode", implementation: "swift-protobuf") { n in
            var total = 0
            for _ in 0..<n { total &+= try! subject.encodeTheirs().count }
            return total
        },
        .init(message: subject.name, operation: "encode", implementation: "protobuf-c") { n in
            rawbench_pack_loop(raw.pointer, buffer, n)
        },
        .init(message: subject.name, operation: "decode", implementation: "ours") { n in
            for _ in 0..<n { try! subject.decodeOurs(bytes) }
            return n
        },
        .init(message: subject.name, operation: "decode", implementation: "swift-protobuf") { n in
            for _ in 0..<n { try! subject.decodeTheirs(bytes) }
            return n
        },
        .init(message: subject.name, operation: "decode", implementation: "protobuf-c") { n in
            bytes.withUnsafeBufferPointer { rawbench_unpack_loop(subject.descriptor, $0.baseAddress, $0.count, n) }
        },
    ]
}

// `CodecBenchmark DIR profile N [COUNT]`: run only workload N (in the order above) COUNT times
// (default 20,000), for a profiler such as `valgrind --tool=callgrind`.
if CommandLine.arguments.count > 3, CommandLine.arguments[2] == "profile", let index = Int(CommandLine.arguments[3]) {
    let workload = workloads[index]
    let count = CommandLine.arguments.count > 4 ? Int(CommandLine.arguments[4]) ?? 20_000 : 20_000
    print("profiling \(workload.implementation) \(workload.operation) \(workload.message): \(workload.run(count))")
    exit(0)
}

let results = Harness().measure(workloads)
print(Report(workloads: workloads, nanoseconds: results).table())

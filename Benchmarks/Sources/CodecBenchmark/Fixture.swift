import Foundation

/// The benchmark's content: `../shared/bench/appointment.txtpb` encoded by `protoc`, so every
/// implementation decodes the very bytes the reference figures were measured with.
enum Fixture {
    /// The appointment record's bytes (469 bytes for the shared fixture).
    /// `CODEC_FIXTURE_BYTES=file` reads them from a file instead (for profilers that cannot spawn).
    static func appointmentBytes(benchDirectory: String) throws -> [UInt8] {
        if let path = ProcessInfo.processInfo.environment["CODEC_FIXTURE_BYTES"] {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["protoc", "-I", benchDirectory, "--encode=perf.Appointment", "appointment.proto"]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: benchDirectory + "/appointment.txtpb"))
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(message: "protoc --encode failed for \(benchDirectory)/appointment.txtpb")
        }
        return Array(data)
    }
}

/// The fixture could not be loaded.
struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

import Foundation
import Testing
import TestSupport

@Suite("LoopGlobalExecutor (in a child process: a test process keeps Swift's own executor)")
struct LoopGlobalExecutorTests {
    @Test("installs once; tasks run on a loop, stay on the loop that resumed or started them, and reach actors")
    func placement() async throws {
        let output = try await ChildProcess.run(try BuiltExecutable.url(named: "loop-executor-probe").path, [])
        #expect(output.succeeded, "\(output.errorText)")
        let lines = output.outputText.split(separator: "\n").map(String.init)
        #expect(lines == [
            "installed: true",
            "installed twice: false",
            "started on a singleton loop: true",
            "resumed on the loop that resumed it: true",
            "nonisolated call on the same loop: true",
            "actor ran: true",
            "back on the loop after the actor: true",
            "a task started from the loop runs on it: true",
            "a task started off the loops runs on a singleton loop: true",
        ])
    }
}

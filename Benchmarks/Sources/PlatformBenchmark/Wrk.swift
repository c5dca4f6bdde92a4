import Foundation

/// One `wrk` run: HTTP/1.1 keep-alive connections, each with one request outstanding at a time.
/// The Lua script's `done()` prints exact figures from wrk's own histogram (microseconds), so
/// nothing is parsed from wrk's rounded human output.
struct Wrk {
    /// What a run measured.
    struct Result {
        var requests: Int
        var seconds: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        /// Responses with a status of 400 or more, and socket errors.
        var failures: Int

        var requestsPerSecond: Double { Double(requests) / seconds }
    }

    let executable: String
    let scriptDirectory: String

    init(scriptDirectory: String) throws {
        guard let found = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile(atPath:))
        else { throw BenchmarkError("wrk is not installed (apt-get install wrk; Benchmarks/run.sh does it)") }
        executable = found
        self.scriptDirectory = scriptDirectory
    }

    /// Runs wrk for `seconds` on `baseURL` with `threads` and `connections`; each request is the
    /// next of `requests` (path and headers), round-robin per connection thread.
    func run(
        baseURL: String, requests: [(path: String, headers: [String: String])], threads: Int, connections: Int,
        seconds: Int
    ) throws -> Result {
        let script = scriptDirectory + "/wrk-\(UUID().uuidString).lua"
        try Self.script(requests).write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "-t", "\(threads)", "-c", "\(connections)", "-d", "\(seconds)s", "--timeout", "10s", "-s", script,
            baseURL + requests[0].path,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("WRK_RESULT ") })
        else { throw BenchmarkError("wrk failed (\(process.terminationStatus)):\n\(text)") }
        var fields: [String: Double] = [:]
        for pair in line.split(separator: " ").dropFirst() {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let value = Double(parts[1]) { fields[String(parts[0])] = value }
        }
        guard let requests = fields["requests"], let duration = fields["duration_us"], let p50 = fields["p50_us"],
            let p99 = fields["p99_us"], requests > 0
        else { throw BenchmarkError("wrk printed no figures:\n\(text)") }
        let failures = ["status", "connect", "read", "write", "timeout"].reduce(0) { $0 + Int(fields[$1] ?? 0) }
        return Result(
            requests: Int(requests), seconds: duration / 1e6, p50Milliseconds: p50 / 1_000, p99Milliseconds: p99 / 1_000,
            failures: failures)
    }

    /// The Lua script: the requests, pre-formatted per thread, and a machine-readable summary.
    static func script(_ requests: [(path: String, headers: [String: String])]) -> String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let entries = requests.map { request in
            let headers = request.headers.sorted { $0.key < $1.key }.map { "[\(quoted($0.key))] = \(quoted($0.value))" }
            return "  { \(quoted(request.path)), { \(headers.joined(separator: ", ")) } },"
        }.joined(separator: "\n")
        return """
            local entries = {
            \(entries)
            }
            local formatted = {}
            local index = 0
            local threads = 0
            setup = function(thread)
              thread:set("offset", threads * 7919)
              threads = threads + 1
            end
            init = function(args)
              for i, entry in ipairs(entries) do
                formatted[i] = wrk.format("GET", entry[1], entry[2])
              end
              -- Threads start at different places, so they do not ask in lockstep.
              index = (offset or 0) % #formatted
            end
            request = function()
              index = (index % #formatted) + 1
              return formatted[index]
            end
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("WRK_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d status=%d connect=%d read=%d write=%d timeout=%d\\n",
                summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
                e.status, e.connect, e.read, e.write, e.timeout))
            end

            """
    }
}

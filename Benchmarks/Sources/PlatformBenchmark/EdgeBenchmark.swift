import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore

/// `run.sh edge`: one small authenticated read, `GET /v1/clinics/{clinic_id}` through the edge
/// with wrk, and the same `ClinicService.GetClinic` through the typed client over mTLS with the
/// same number of connections and one call outstanding on each, in interleaved rounds against the
/// same running platform. Target (issue 5): the edge reaches at least 60% of the direct RPC's
/// throughput.
struct EdgeBenchmark {
    let platform: RunningPlatform
    let options: BenchmarkOptions

    /// The target of issue 5: edge throughput / direct throughput.
    static let targetRatio = 0.60

    func run() async throws {
        let setup = SetupClients(platform: platform)
        defer { setup.shutdown() }
        let (token, _) = try await setup.login(DemoAccounts.superAdmin, password: DemoAccounts.password)
        var list = Clinic_Clinics_V1_ListClinicsRequest()
        list.pageSize = 1
        guard let clinic = try await setup.clinics.listClinics(list, options: RunningPlatform.options(token: nil)).clinics.first
        else { throw BenchmarkError("the platform has no clinic (demo data missing?)") }
        let path = "/v1/clinics/\(clinic.id)"
        let json = try clinic.jsonString()
        progress("GET \(path): \(json.utf8.count) bytes of JSON, \(try clinic.serializedBytes().count) bytes of protobuf")

        let wrk = try Wrk(scriptDirectory: options.scratch)
        let request = [(path: path, headers: ["Authorization": "Bearer \(token)"])]
        let connections = options.connections
        let threads = min(options.threads, connections)
        let getClinic = Clinic_Clinics_V1_GetClinicRequest.with { $0.clinicId = clinic.id }
        let callOptions = RunningPlatform.options(token: token)
        let expectedID = clinic.id
        let platform = self.platform
        func edge(_ seconds: Int) throws -> Sample {
            let result = try wrk.run(
                baseURL: platform.edgeURL, requests: request, threads: threads, connections: connections, seconds: seconds)
            guard result.failures == 0 else { throw BenchmarkError("wrk: \(result.failures) failed requests") }
            return Sample(rps: result.requestsPerSecond, p50: result.p50Milliseconds, p99: result.p99Milliseconds, requests: result.requests)
        }
        func direct(_ seconds: Int) async throws -> Sample {
            let result = try await DirectLoad.run(
                connections: connections, seconds: seconds,
                open: {
                    let transport = try platform.transport(to: "clinics")
                    return (transport, Clinic_Clinics_V1_ClinicService.Client(caller: RPCClient(transport: transport)))
                },
                call: { client in
                    let reply = try await client.getClinic(getClinic, options: callOptions)
                    guard reply.id == expectedID else { throw BenchmarkError("GetClinic answered another clinic") }
                })
            guard result.failures == 0 else { throw BenchmarkError("direct: \(result.failures) failed calls") }
            return Sample(rps: result.requestsPerSecond, p50: result.p50Milliseconds, p99: result.p99Milliseconds, requests: result.requests)
        }

        let loadBefore = Machine.loadAverage
        progress("warm-up: \(options.warmup) s each")
        _ = try edge(options.warmup)
        _ = try await direct(options.warmup)
        var edgeSamples: [Sample] = []
        var directSamples: [Sample] = []
        for round in 0..<options.rounds {
            // ABBA order, so a drift in background load falls on both paths alike.
            if round % 2 == 0 {
                edgeSamples.append(try edge(options.seconds))
                directSamples.append(try await direct(options.seconds))
            } else {
                directSamples.append(try await direct(options.seconds))
                edgeSamples.append(try edge(options.seconds))
            }
            progress("round \(round + 1)/\(options.rounds): edge \(edgeSamples.last!.rps.formatted(0)) req/s, "
                + "direct \(directSamples.last!.rps.formatted(0)) calls/s")
        }
        let loadAfter = Machine.loadAverage

        print("Edge benchmark: GET \(path) (ClinicService.GetClinic, public, with a bearer token) — ")
        print("  edge: wrk -t\(threads) -c\(connections), HTTP/1.1 keep-alive → edge → mTLS RPC → clinics service")
        print("  direct: typed client, \(connections) mTLS connections, one call outstanding on each → clinics service")
        print("Machine: \(Machine.description); load average \(loadBefore) before, \(loadAfter) after")
        print("\(options.rounds) interleaved rounds of \(options.seconds) s (after \(options.warmup) s warm-up each)")
        print("")
        var table = TextTable(["round", "edge req/s", "edge p50 ms", "edge p99 ms", "direct calls/s", "direct p50 ms", "direct p99 ms", "edge/direct"])
        for (index, (edge, direct)) in zip(edgeSamples, directSamples).enumerated() {
            table.add([
                "\(index + 1)", edge.rps.formatted(0), edge.p50.formatted(2), edge.p99.formatted(2), direct.rps.formatted(0),
                direct.p50.formatted(2), direct.p99.formatted(2), (edge.rps / direct.rps).formatted(2),
            ])
        }
        let edgeRPS = median(edgeSamples.map(\.rps))
        let directRPS = median(directSamples.map(\.rps))
        table.add([
            "median", edgeRPS.formatted(0), median(edgeSamples.map(\.p50)).formatted(2), median(edgeSamples.map(\.p99)).formatted(2),
            directRPS.formatted(0), median(directSamples.map(\.p50)).formatted(2), median(directSamples.map(\.p99)).formatted(2),
            (edgeRPS / directRPS).formatted(2),
        ])
        print(table.rendered)
        print("")
        let ratio = edgeRPS / directRPS
        let verdict = ratio >= Self.targetRatio ? "MET" : "MISSED"
        print("edge overhead: the edge reaches \((ratio * 100).formatted(0))% of the direct RPC's throughput "
            + "(target ≥ \((Self.targetRatio * 100).formatted(0))%): \(verdict); p99 ratio "
            + "\((median(edgeSamples.map(\.p99)) / median(directSamples.map(\.p99))).formatted(2))x")
    }

    /// One timed run of one path.
    struct Sample {
        var rps: Double
        var p50: Double
        var p99: Double
        var requests: Int
    }
}

/// The logins `clinic up` seeds on an empty data folder (docs/RUNNING.md, "Demo data").
enum DemoAccounts {
    static let superAdmin = "admin@demo.clinic"
    static let password = "clinic-demo-password"
}

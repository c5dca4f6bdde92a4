import Foundation
import Testing

/// `clinic up --no-demo` as a real process tree on loopback (a registry, every service, the edge
/// on a free HTTP port), with an explicit first super admin made by `clinic admin create`: the
/// platform the journey tests talk to over HTTP only. Started once for the suite that carries the
/// `.journeyPlatform` trait, stopped with SIGTERM after it, checking that no process outlives it.
final class JourneyPlatform: Sendable {
    /// The platform of the running suite.
    @TaskLocal static var current: JourneyPlatform?

    let folder: String
    let edge: EdgeHTTPClient
    let up: ClinicProcess
    let superAdminEmail = "root@journey.example"
    let superAdminPassword = "cedar-quartz-meadow-58"

    private init(folder: String, edge: EdgeHTTPClient, up: ClinicProcess) {
        self.folder = folder
        self.edge = edge
        self.up = up
    }

    static func start() async throws -> JourneyPlatform {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clinic-journey-\(UUID().uuidString)").path
        let certificates = folder + "/certs", data = folder + "/data"
        let environment = ["CLINIC_ROOT": ClinicUpTests.repositoryRoot, "CLINIC_LOG_LEVEL": "warning"]
        let certs = try await ClinicProcess.run(["certs", "--out", certificates], environment: environment)
        guard certs.status == 0 else { throw IntegrationError("clinic certs failed: \(certs.lines)") }

        // --no-demo: the journey makes everything it uses, so it depends on no seeded data.
        let up = try ClinicProcess(
            ["up", "--data", data, "--certs", certificates, "--http-port", "0", "--no-demo"], environment: environment)
        guard let ready = await up.line(where: { $0.hasPrefix("ready: ") }) else {
            up.signal(SIGKILL)
            throw IntegrationError("clinic up never printed its ready line: \(up.lines)")
        }
        let url = String(ready.dropFirst("ready: ".count))
        guard let components = URLComponents(string: url), let host = components.host, let port = components.port else {
            up.signal(SIGKILL)
            throw IntegrationError("unreadable ready line: \(ready)")
        }
        let platform = JourneyPlatform(folder: folder, edge: EdgeHTTPClient(host: host, port: port), up: up)
        // The first super admin: the operator command, password on standard input, while the platform runs.
        let created = try await ClinicProcess.run(
            ["admin", "create", "--email", platform.superAdminEmail, "--role", "super-admin", "--name", "Root Operator",
             "--data", data],
            input: platform.superAdminPassword + "\n", environment: environment)
        guard created.status == 0, created.lines.first?.hasPrefix("created: ") == true else {
            await platform.stop()
            throw IntegrationError("clinic admin create failed: \(created.lines)")
        }
        return platform
    }

    /// SIGTERM to `clinic up`; it must exit 0 and leave none of its children alive.
    func stop() async {
        up.signal(SIGTERM)
        let exit = await up.waitForExit()
        #expect(exit.status == 0 && !exit.bySignal, "clinic up did not stop cleanly: \(exit)")
        let children = up.lines.compactMap(StartLine.init).map(\.pid)
        #expect(!children.isEmpty)
        for pid in children { #expect(!isAlive(pid), "process \(pid) outlived clinic up") }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// `POST /v1/auth:login`; the access token and the account JSON.
    func login(_ email: String, _ password: String) async throws -> (token: String, account: JSON) {
        let answer = try await edge.send(.POST, "/v1/auth:login", json: #"{"email": "\#(email)", "password": "\#(password)"}"#)
        guard answer.status == 200, let token = answer.json["tokens"]["accessToken"].string else {
            throw IntegrationError("login of \(email) failed: \(answer.status) \(answer.text)")
        }
        return (token, answer.json["account"])
    }
}

/// Runs a suite inside one running `JourneyPlatform` (`JourneyPlatform.current`).
struct JourneyPlatformTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void)
        async throws
    {
        let platform = try await JourneyPlatform.start()
        do {
            try await JourneyPlatform.$current.withValue(platform) { try await function() }
        } catch {
            await platform.stop()
            throw error
        }
        await platform.stop()
    }
}

extension Trait where Self == JourneyPlatformTrait {
    /// The suite runs against one `clinic up` process tree, started before and stopped after it.
    static var journeyPlatform: Self { JourneyPlatformTrait() }
}

/// A calendar day, as `clinic.common.v1.Date`, in a time zone.
struct CivilDay: Equatable, CustomStringConvertible {
    var year: Int
    var month: Int
    var day: Int

    init(_ date: Date, in zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        year = parts.year ?? 0
        month = parts.month ?? 0
        day = parts.day ?? 0
    }

    /// `days` later (or earlier), by the calendar.
    func adding(days: Int) -> CivilDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let noon = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
        return CivilDay(calendar.date(byAdding: .day, value: days, to: noon)!, in: calendar.timeZone)
    }

    /// The query parameters of a `DateRange` field named `field` from `self` to `end`.
    func range(to end: CivilDay, field: String = "dateRange") -> [(String, String)] {
        [("\(field).startDate.year", "\(year)"), ("\(field).startDate.month", "\(month)"), ("\(field).startDate.day", "\(day)"),
         ("\(field).endDate.year", "\(end.year)"), ("\(field).endDate.month", "\(end.month)"), ("\(field).endDate.day", "\(end.day)")]
    }

    var json: String { #"{"year": \#(year), "month": \#(month), "day": \#(day)}"# }

    var description: String { String(format: "%04d-%02d-%02d", year, month, day) }
}

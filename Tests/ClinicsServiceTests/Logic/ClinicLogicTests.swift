import ClinicAPI
@testable import ClinicsService
import Platform
import RPCCore
import Testing

@Suite("Clinic logic")
struct ClinicLogicTests {
    @Test("keys fold case, accents and spacing")
    func keys() {
        #expect(SearchKey.fold("  Clinique   SANTÉ  ") == "clinique sante")
        #expect(SearchKey.fold("Saint-Étienne") == "saint etienne")
        #expect(SearchKey.fold("Ｃｌｉｎｉｃ") == "clinic")
        #expect(SearchKey.fold("") == "")
    }

    @Test("search text becomes quoted prefix terms")
    func searchText() throws {
        #expect(try SearchText.match("clinique lyon", field: "query") == "\"clinique\"* \"lyon\"*")
        #expect(try SearchText.match("a\"b OR c", field: "query") == "\"a\"* \"b\"* \"OR\"* \"c\"*")
        #expect(throws: RPCError.self) { try SearchText.match("--", field: "query") }
    }

    @Test("page tokens round-trip and refuse other filters and garbage")
    func pageTokens() throws {
        let cursor = ClinicCursor(key: "clinique", id: "cln_1")
        let token = PageToken.encode(cursor, scope: PageScope("f"))
        #expect(try PageToken<ClinicCursor>.decode(token, scope: PageScope("f")) == cursor)
        #expect(try PageToken<ClinicCursor>.decode("", scope: PageScope("f")) == nil)
        #expect(throws: RPCError.self) { try PageToken<ClinicCursor>.decode(token, scope: PageScope("g")) }
        #expect(throws: RPCError.self) { try PageToken<ClinicCursor>.decode("%%%", scope: PageScope("f")) }
    }

    @Test("auth refusals keep their code and name our fields; other failures are uncertain")
    func classifyAuthErrors() {
        // classify makes no call: a client over a transport nobody serves will do.
        let accounts = AdminAccounts(
            auth: Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: InProcessTransport().client)), timeout: .seconds(1))
        let taken = accounts.classify(RPCError(code: .alreadyExists, message: "account.email: an account with this e-mail already exists"))
        guard case .refused(let error) = taken else { Issue.record("expected refused"); return }
        #expect(error.code == .alreadyExists)
        #expect(error.message.hasPrefix("first_admin.email:"))
        guard case .refused(let weak) = accounts.classify(RPCError(code: .invalidArgument, message: "initial_password: too common")) else {
            Issue.record("expected refused")
            return
        }
        #expect(weak.message == "first_admin.initial_password: too common")
        guard case .uncertain = accounts.classify(RPCError(code: .unavailable, message: "down")) else {
            Issue.record("expected uncertain")
            return
        }
        guard case .uncertain = accounts.classify(RPCError(code: .deadlineExceeded, message: "slow")) else {
            Issue.record("expected uncertain")
            return
        }
        guard case .refused(let denied) = accounts.classify(RPCError(code: .permissionDenied, message: "no")) else {
            Issue.record("expected refused")
            return
        }
        #expect(denied.code == .internal)
    }

    @Test("opening hours come back in day and start order; touching ranges do not overlap")
    func openingHoursOrder() throws {
        let sorted = try ClinicRules.openingHours(
            [Fixtures.hours(.friday, 9, 12), Fixtures.hours(.monday, 14, 18), Fixtures.hours(.monday, 9, 14)], field: "h")
        #expect(sorted.map(\.dayOfWeek) == [.monday, .monday, .friday])
        #expect(sorted.map { $0.hours!.start!.hours } == [9, 14, 9])
    }

    @Test("a range ending at 00:00 runs to midnight")
    func endOfDay() throws {
        #expect(try WallClockRange.span(Fixtures.hours(.monday, 20, 0).hours, field: "h") == 72_000..<86_400)
        #expect(try WallClockRange.span(Fixtures.hours(.monday, 0, 0).hours, field: "h") == 0..<86_400)
    }

    @Test("time zones must be IANA names Foundation knows")
    func timeZones() throws {
        #expect(try ClinicRules.timeZone("Europe/Paris", field: "t") == "Europe/Paris")
        #expect(try ClinicRules.timeZone("America/New_York", field: "t") == "America/New_York")
        #expect(try ClinicRules.timeZone("UTC", field: "t") == "UTC")
        for bad in ["GMT+2", "CEST", "Europe/Atlantis", "europe/paris "] {
            #expect(throws: RPCError.self) { try ClinicRules.timeZone(bad, field: "t") }
        }
    }
}

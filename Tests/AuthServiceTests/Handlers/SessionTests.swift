@testable import AuthService
import ClinicAPI
import Foundation
import Platform
import RPCCore
import Testing

@Suite("Refresh-token rotation, reuse detection, logout")
struct SessionTests {
    @Test func refreshRotatesAndReuseRevokesTheWholeFamily() async throws {
        try await AuthHarness.with { harness in
            try await harness.seed("p@clinic.example", roles: [.patient])
            let (_, login) = try await harness.login("p@clinic.example")
            let first = try #require(login.tokens?.refreshToken)
            let second = try #require(try await harness.anonymous.auth.refreshToken(Requests.refresh(first)).tokens)
            #expect(second.refreshToken != first)
            _ = try await harness.service.verifier.verify(second.accessToken)
            let third = try #require(try await harness.anonymous.auth.refreshToken(Requests.refresh(second.refreshToken)).tokens)
            // Presenting the first (already rotated) token again: refused, and the family is gone.
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(first)) } == .unauthenticated)
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(third.refreshToken)) } == .unauthenticated)
            // Another login is a new family and works.
            let (_, again) = try await harness.login("p@clinic.example")
            let againRefresh = try #require(again.tokens?.refreshToken)
            _ = try await harness.anonymous.auth.refreshToken(Requests.refresh(againRefresh))
        }
    }

    @Test func unknownTamperedAndExpiredRefreshTokensAreRefused() async throws {
        try await AuthHarness.with { harness in
            try await harness.seed("p@clinic.example", roles: [.patient])
            let (_, login) = try await harness.login("p@clinic.example")
            let token = try #require(login.tokens?.refreshToken)
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh("rt1_made-up")) } == .unauthenticated)
            let tampered = String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A")
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(tampered)) } == .unauthenticated)
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh("")) } == .invalidArgument)
            harness.clock.advance(by: 14 * 24 * 3600 + 1)
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(token)) } == .unauthenticated)
        }
    }

    @Test func sessionEndsAtItsAbsoluteLifetimeHoweverOftenRefreshed() async throws {
        try await AuthHarness.with { harness in
            try await harness.seed("p@clinic.example", roles: [.patient])
            var token = try #require(try await harness.login("p@clinic.example").1.tokens?.refreshToken)
            for _ in 0..<4 {
                harness.clock.advance(by: 7 * 24 * 3600)
                token = try #require(try await harness.anonymous.auth.refreshToken(Requests.refresh(token)).tokens?.refreshToken)
            }
            harness.clock.advance(by: 3 * 24 * 3600)  // 31 days after login.
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(token)) } == .unauthenticated)
        }
    }

    @Test func newRolesTakeEffectInTheNextAccessToken() async throws {
        try await AuthHarness.with { harness in
            let (admin, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            let doctor = try await harness.seed("doc@clinic.example", roles: [.doctor], clinic: "clinic_a")
            let (_, login) = try await harness.login("doc@clinic.example")
            _ = try await admin.auth.setAccountRoles(Requests.setRoles(doctor.id, [.doctor, .clinicAdmin]))
            let loginRefresh = try #require(login.tokens?.refreshToken)
            let refreshed = try #require(try await harness.anonymous.auth.refreshToken(Requests.refresh(loginRefresh)).tokens)
            #expect(try await harness.service.verifier.verify(refreshed.accessToken).roles == [.doctor, .clinicAdmin])
            // A deleted account's session ends.
            _ = try await admin.auth.deleteAccount(Requests.delete(doctor.id))
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(refreshed.refreshToken)) } == .unauthenticated)
        }
    }

    @Test func logoutEndsThisSessionOrAll() async throws {
        try await AuthHarness.with { harness in
            try await harness.seed("p@clinic.example", roles: [.patient])
            let (phone, phoneLogin) = try await harness.login("p@clinic.example")
            let (laptop, laptopLogin) = try await harness.login("p@clinic.example")
            let (tablet, tabletLogin) = try await harness.login("p@clinic.example")
            // Without a refresh token: the session of the access token.
            _ = try await phone.auth.logout(Clinic_Auth_V1_LogoutRequest())
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(phoneLogin.tokens!.refreshToken)) } == .unauthenticated)
            _ = try await harness.anonymous.auth.refreshToken(Requests.refresh(laptopLogin.tokens!.refreshToken))
            // All sessions.
            var all = Clinic_Auth_V1_LogoutRequest()
            all.allSessions = true
            _ = try await laptop.auth.logout(all)
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(tabletLogin.tokens!.refreshToken)) } == .unauthenticated)
            _ = tablet
            // Logout needs a token.
            #expect(await rpcCode { try await harness.anonymous.auth.logout(Clinic_Auth_V1_LogoutRequest()) } == .unauthenticated)
        }
    }

    @Test func someoneElsesRefreshTokenIsNotRevoked() async throws {
        try await AuthHarness.with { harness in
            try await harness.seed("victim@clinic.example", roles: [.patient])
            let (attacker, _) = try await harness.signedIn("attacker@clinic.example", roles: [.patient])
            let victim = try #require(try await harness.login("victim@clinic.example").1.tokens?.refreshToken)
            var request = Clinic_Auth_V1_LogoutRequest()
            request.refreshToken = victim
            _ = try await attacker.auth.logout(request)
            _ = try await harness.anonymous.auth.refreshToken(Requests.refresh(victim))
        }
    }

    @Test func expiredOrTamperedAccessTokensAreUnauthenticated() async throws {
        try await AuthHarness.with { harness in
            let (me, _) = try await harness.signedIn("p@clinic.example", roles: [.patient])
            _ = try await me.auth.account("me")
            let token = try #require(me.token)
            let tampered = harness.client(String(token.dropLast(3)) + "AAA")
            #expect(await rpcCode { try await tampered.auth.account("me") } == .unauthenticated)
            harness.clock.advance(by: 601 + 30)
            #expect(await rpcCode { try await me.auth.account("me") } == .unauthenticated)
        }
    }
}

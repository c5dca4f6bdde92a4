@testable import AuthService
import ClinicAPI
import Foundation
import Platform
import RPCCore
import Storage
import Testing

@Suite("Login and lockout")
struct LoginTests {
    @Test func loginIssuesAnAccessTokenThatVerifiesLocally() async throws {
        try await AuthHarness.with { harness in
            let account = try await harness.seed("Admin@Clinic.example", roles: [.clinicAdmin], clinic: "clinic_a")
            let (_, response) = try await harness.login("admin@clinic.example")  // E-mails compare case-insensitively.
            let tokens = try #require(response.tokens)
            #expect(tokens.tokenType == "Bearer")
            #expect(tokens.refreshToken.hasPrefix("rt1_"))
            #expect(response.account?.id == account.id)
            #expect(response.account?.lastLoginTime != nil)
            let principal = try await harness.service.verifier.verify(tokens.accessToken)
            #expect(principal.accountID == account.id)
            #expect(principal.roles == [.clinicAdmin])
            #expect(principal.tenant?.rawValue == "clinic_a")
            let expiry = try #require(tokens.accessTokenExpireTime)
            #expect(expiry.seconds == Int64(harness.clock.now.timeIntervalSince1970) + 600)
        }
    }

    @Test func unknownEmailAndWrongPasswordAreIndistinguishable() async throws {
        try await AuthHarness.with { harness in
            try await harness.seed("known@clinic.example", roles: [.patient])
            try await harness.seed("pending@clinic.example", roles: [.patient], password: nil)
            let wrongPassword = await rpcError { try await harness.anonymous.auth.login(Requests.login("known@clinic.example", "not the password at all")) }
            let unknown = await rpcError { try await harness.anonymous.auth.login(Requests.login("nobody@clinic.example", AuthHarness.password)) }
            let pending = await rpcError { try await harness.anonymous.auth.login(Requests.login("pending@clinic.example", "")) }
            let pendingWithPassword = await rpcError { try await harness.anonymous.auth.login(Requests.login("pending@clinic.example", AuthHarness.password)) }
            #expect(wrongPassword?.code == .unauthenticated)
            #expect(unknown == wrongPassword)
            #expect(pendingWithPassword == wrongPassword)
            #expect(pending?.code == .invalidArgument)  // Empty password: the field rule.
        }
    }

    @Test func deletedAccountCannotLogIn() async throws {
        try await AuthHarness.with { harness in
            let (admin, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            let doctor = try await harness.seed("doc@clinic.example", roles: [.doctor], clinic: "clinic_a")
            _ = try await admin.auth.deleteAccount(Requests.delete(doctor.id))
            let error = await rpcError { try await harness.login("doc@clinic.example") }
            #expect(error == RPCError.invalidCredentials)
        }
    }

    @Test func badInputIsInvalidArgumentNamingTheField() async throws {
        try await AuthHarness.with { harness in
            let noEmail = await rpcError { try await harness.anonymous.auth.login(Requests.login("", "x")) }
            #expect(noEmail?.code == .invalidArgument && noEmail?.message.hasPrefix("email") == true)
            let badEmail = await rpcError { try await harness.anonymous.auth.login(Requests.login("not-an-email", "x")) }
            #expect(badEmail?.code == .invalidArgument && badEmail?.message.hasPrefix("email") == true)
            let longPassword = await rpcError { try await harness.anonymous.auth.login(Requests.login("a@b.example", String(repeating: "x", count: 300))) }
            #expect(longPassword?.code == .invalidArgument && longPassword?.message.hasPrefix("password") == true)
        }
    }

    @Test func repeatedFailuresLockWithBackoffAndTheLockIsRevealedOnlyToTheRightPassword() async throws {
        try await AuthHarness.with { harness in
            let account = try await harness.seed("target@clinic.example", roles: [.patient])
            let wrong = Requests.login("target@clinic.example", "wrong password guess")
            for _ in 0..<3 {  // The harness locks after 3 failures.
                #expect(await rpcCode { try await harness.anonymous.auth.login(wrong) } == .unauthenticated)
            }
            // Locked: a wrong password still gets the generic answer...
            #expect(await rpcError { try await harness.anonymous.auth.login(wrong) } == RPCError.invalidCredentials)
            // ...the right one learns of the lock, and cannot log in yet.
            let locked = await rpcError { try await harness.login("target@clinic.example") }
            #expect(locked?.code == .failedPrecondition && locked?.message.contains("locked") == true)
            let (admin, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            let seen = try await admin.auth.account(account.id)
            #expect(seen.state == .locked)
            let firstLockEnd = try #require(seen.lockedUntilTime).seconds
            #expect(firstLockEnd == Int64(harness.clock.now.timeIntervalSince1970) + 60)
            // An alert went to the owner.
            #expect(try await harness.service.pendingOutboxMessages().contains { $0.kind == "auth.security_alert" && $0.accountID == account.id })
            // After the lock, one more failure locks for twice as long.
            harness.clock.advance(by: 61)
            #expect(await rpcCode { try await harness.anonymous.auth.login(wrong) } == .unauthenticated)
            let second = try #require(try await admin.auth.account(account.id).lockedUntilTime).seconds
            #expect(second == Int64(harness.clock.now.timeIntervalSince1970) + 120)
            harness.clock.advance(by: 121)
            // A success resets the count.
            _ = try await harness.login("target@clinic.example")
            #expect(try await admin.auth.account(account.id).state == .active)
            #expect(await rpcCode { try await harness.anonymous.auth.login(wrong) } == .unauthenticated)
            _ = try await harness.login("target@clinic.example")
        }
    }
}

@testable import AuthService
import ClinicAPI
import Foundation
import Platform
import RPCCore
import Testing

@Suite("Password reset, invitations, password changes")
struct PasswordTests {
    static let newPassword = "velvet-harbor-quartz-91"

    @Test func resetLinkGoesThroughTheOutboxAndWorksOnce() async throws {
        try await AuthHarness.with { harness in
            let account = try await harness.seed("p@clinic.example", roles: [.patient])
            let (_, login) = try await harness.login("p@clinic.example")
            _ = try await harness.anonymous.auth.requestPasswordReset(Requests.requestReset("P@clinic.example"))
            let (message, token) = try #require(try await harness.outboxLink(for: account.id, kind: "auth.password_reset"))
            #expect(message.notification.kind == .passwordReset)
            #expect(message.notification.recipientAccountIds == [account.id])
            #expect(message.notification.body.contains("http://127.0.0.1:8080/reset-password?token=pr1_"))
            _ = try await harness.anonymous.auth.resetPassword(Requests.resetPassword(token, Self.newPassword))
            // The new password works, the old one does not, and existing sessions were ended.
            _ = try await harness.login("p@clinic.example", password: Self.newPassword)
            #expect(await rpcCode { try await harness.login("p@clinic.example") } == .unauthenticated)
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(login.tokens!.refreshToken)) } == .unauthenticated)
            // The link is single-use.
            let reused = await rpcError { try await harness.anonymous.auth.resetPassword(Requests.resetPassword(token, "another-fine-password-7")) }
            #expect(reused == RPCError.unusableLink)
            let (admin, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            #expect(try await admin.auth.account(account.id).emailVerified)
        }
    }

    @Test func unknownEmailGetsTheSameAnswerAndNoMessage() async throws {
        try await AuthHarness.with { harness in
            _ = try await harness.anonymous.auth.requestPasswordReset(Requests.requestReset("nobody@clinic.example"))
            #expect(try await harness.service.pendingOutboxMessages().isEmpty)
            #expect(await rpcCode { try await harness.anonymous.auth.requestPasswordReset(Requests.requestReset("bad")) } == .invalidArgument)
        }
    }

    @Test func expiredOrTamperedResetTokensAreRefused() async throws {
        try await AuthHarness.with { harness in
            let account = try await harness.seed("p@clinic.example", roles: [.patient])
            _ = try await harness.anonymous.auth.requestPasswordReset(Requests.requestReset("p@clinic.example"))
            let (_, token) = try #require(try await harness.outboxLink(for: account.id, kind: "auth.password_reset"))
            let tampered = String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A")
            #expect(await rpcError { try await harness.anonymous.auth.resetPassword(Requests.resetPassword(tampered, Self.newPassword)) } == RPCError.unusableLink)
            harness.clock.advance(by: 30 * 60 + 1)
            #expect(await rpcError { try await harness.anonymous.auth.resetPassword(Requests.resetPassword(token, Self.newPassword)) } == RPCError.unusableLink)
            _ = try await harness.login("p@clinic.example")  // Nothing changed.
        }
    }

    @Test func weakOrEmptyNewPasswordsAreRefusedNamingTheField() async throws {
        try await AuthHarness.with { harness in
            let account = try await harness.seed("jane.doe@clinic.example", roles: [.patient])
            _ = try await harness.anonymous.auth.requestPasswordReset(Requests.requestReset("jane.doe@clinic.example"))
            let (_, token) = try #require(try await harness.outboxLink(for: account.id, kind: "auth.password_reset"))
            for weak in ["", "short", "password1234", "P@ssw0rd2024!", "aaaaaaaaaaaaaaaa", "abcdefghijklmn", "jane.doe-secret-99"] {
                let error = await rpcError { try await harness.anonymous.auth.resetPassword(Requests.resetPassword(token, weak)) }
                #expect(error?.code == .invalidArgument, "\(weak)")
                #expect(error?.message.hasPrefix("new_password") == true, "\(weak): \(error?.message ?? "")")
            }
            // A refused attempt does not use up the link.
            _ = try await harness.anonymous.auth.resetPassword(Requests.resetPassword(token, Self.newPassword))
        }
    }

    @Test func resetRequestsAreRateLimited() async throws {
        try await AuthHarness.with { harness in
            let account = try await harness.seed("p@clinic.example", roles: [.patient])
            for _ in 0..<5 { _ = try await harness.anonymous.auth.requestPasswordReset(Requests.requestReset("p@clinic.example")) }
            #expect(try await harness.service.pendingOutboxMessages().filter { $0.accountID == account.id }.count == 3)
            harness.clock.advance(by: 3601)
            _ = try await harness.anonymous.auth.requestPasswordReset(Requests.requestReset("p@clinic.example"))
            #expect(try await harness.service.pendingOutboxMessages().filter { $0.accountID == account.id }.count == 4)
        }
    }

    @Test func accountWithoutPasswordIsInvitedAndActivatedByItsLink() async throws {
        try await AuthHarness.with { harness in
            let (admin, _) = try await harness.signedIn("root@clinic.example", roles: [.superAdmin])
            let created = try await admin.auth.createAccount(Requests.create("new.admin@clinic.example", roles: [.clinicAdmin], clinic: "clinic_a", password: ""))
            #expect(created.state == .pendingActivation)
            let (message, token) = try #require(try await harness.outboxLink(for: created.id, kind: "auth.invitation"))
            #expect(message.notification.kind == .accountInvitation)
            #expect(await rpcCode { try await harness.login("new.admin@clinic.example") } == .unauthenticated)
            _ = try await harness.anonymous.auth.resetPassword(Requests.resetPassword(token, Self.newPassword))
            let account = try #require(try await harness.login("new.admin@clinic.example", password: Self.newPassword).1.account)
            #expect(account.state == .active && account.emailVerified)
            // Delivered messages leave the outbox.
            try await harness.service.markOutboxDelivered([message.id])
            #expect(try await harness.outboxLink(for: created.id, kind: "auth.invitation") == nil)
        }
    }

    @Test func changePasswordChecksTheCurrentOneAndEndsOtherSessions() async throws {
        try await AuthHarness.with { harness in
            try await harness.seed("p@clinic.example", roles: [.patient])
            let (current, currentLogin) = try await harness.login("p@clinic.example")
            let (_, otherLogin) = try await harness.login("p@clinic.example")
            var request = Clinic_Auth_V1_ChangePasswordRequest()
            request.currentPassword = "not my password"
            request.newPassword = Self.newPassword
            let wrong = await rpcError { try await current.auth.changePassword(request) }
            #expect(wrong?.code == .permissionDenied && wrong?.message.hasPrefix("current_password") == true)
            request.currentPassword = AuthHarness.password
            request.newPassword = "password12345"
            let weak = await rpcError { try await current.auth.changePassword(request) }
            #expect(weak?.code == .invalidArgument && weak?.message.hasPrefix("new_password") == true)
            request.newPassword = AuthHarness.password
            #expect(await rpcCode { try await current.auth.changePassword(request) } == .invalidArgument)
            request.newPassword = Self.newPassword
            _ = try await current.auth.changePassword(request)
            // This session goes on; the other one ended.
            _ = try await harness.anonymous.auth.refreshToken(Requests.refresh(currentLogin.tokens!.refreshToken))
            #expect(await rpcCode { try await harness.anonymous.auth.refreshToken(Requests.refresh(otherLogin.tokens!.refreshToken)) } == .unauthenticated)
            _ = try await harness.login("p@clinic.example", password: Self.newPassword)
        }
    }

    @Test func wrongCurrentPasswordsCountTowardsTheLockout() async throws {
        try await AuthHarness.with { harness in
            try await harness.seed("p@clinic.example", roles: [.patient])
            let (me, _) = try await harness.login("p@clinic.example")
            var request = Clinic_Auth_V1_ChangePasswordRequest()
            request.currentPassword = "guess guess guess"
            request.newPassword = Self.newPassword
            for _ in 0..<3 { #expect(await rpcCode { try await me.auth.changePassword(request) } == .permissionDenied) }
            let locked = await rpcError { try await harness.login("p@clinic.example") }
            #expect(locked?.code == .failedPrecondition)
        }
    }
}

@testable import AuthService
import ClinicAPI
import Foundation
import Platform
import RPCCore
import Storage
import Testing

@Suite("Lockout policy (no I/O)")
struct LockoutPolicyTests {
    let policy = LockoutPolicy(threshold: 3, baseLock: .seconds(60), maxLock: .seconds(300))
    let now = Date(timeIntervalSince1970: 1_000_000)

    @Test func locksAtTheThresholdAndDoublesUpToTheMaximum() {
        var throttle = LoginThrottle()
        for expectedLock: TimeInterval? in [nil, nil, 60, 120, 240, 300, 300] {
            guard case .rejected(let next) = policy.attempt(throttle, passwordMatches: false, now: now) else {
                Issue.record("expected a rejection")
                return
            }
            #expect(next.lockedUntil.map { $0.timeIntervalSince(now) } == expectedLock)
            throttle = next
            throttle.lockedUntil = nil  // Pretend each lock ran out.
        }
    }

    @Test func whileLockedNothingCountsAndOnlyTheRightPasswordLearnsIt() {
        let locked = LoginThrottle(failures: 3, lockedUntil: now.addingTimeInterval(60))
        #expect(policy.attempt(locked, passwordMatches: false, now: now) == .locked(until: locked.lockedUntil!, passwordMatched: false))
        #expect(policy.attempt(locked, passwordMatches: true, now: now) == .locked(until: locked.lockedUntil!, passwordMatched: true))
        #expect(policy.attempt(locked, passwordMatches: true, now: now.addingTimeInterval(61)) == .accepted)
    }
}

@Suite("Refresh-token family rules (no I/O)")
struct RefreshTokenRulesTests {
    let now = Date(timeIntervalSince1970: 1_000_000)

    func token(used: Bool = false, expiresIn: TimeInterval = 100) -> RefreshTokenRecord {
        RefreshTokenRecord(
            tokenHash: [1], sessionID: "s", generation: 4, issuedAt: now.addingTimeInterval(-10),
            expiresAt: now.addingTimeInterval(expiresIn), usedAt: used ? now.addingTimeInterval(-5) : nil)
    }

    func session(revoked: Bool = false, endsIn: TimeInterval = 1000) -> SessionRecord {
        SessionRecord(id: "s", accountID: "a", createdAt: now.addingTimeInterval(-100), expiresAt: now.addingTimeInterval(endsIn), revokedAt: revoked ? now : nil)
    }

    @Test func decisions() {
        let lifetime = Duration.seconds(500)
        #expect(RefreshTokenRules.evaluate(token: token(), session: session(), now: now, lifetime: lifetime)
            == .rotate(nextGeneration: 5, nextExpiry: now.addingTimeInterval(500)))
        // The next token never outlives its session.
        #expect(RefreshTokenRules.evaluate(token: token(), session: session(endsIn: 200), now: now, lifetime: lifetime)
            == .rotate(nextGeneration: 5, nextExpiry: now.addingTimeInterval(200)))
        #expect(RefreshTokenRules.evaluate(token: token(used: true), session: session(), now: now, lifetime: lifetime) == .reuseDetected)
        #expect(RefreshTokenRules.evaluate(token: token(used: true), session: session(revoked: true), now: now, lifetime: lifetime) == .rejected)
        #expect(RefreshTokenRules.evaluate(token: token(expiresIn: -1), session: session(), now: now, lifetime: lifetime) == .rejected)
        #expect(RefreshTokenRules.evaluate(token: token(), session: session(endsIn: -1), now: now, lifetime: lifetime) == .rejected)
        #expect(RefreshTokenRules.evaluate(token: token(), session: session(revoked: true), now: now, lifetime: lifetime) == .rejected)
    }
}

@Suite("Password policy (no I/O)")
struct PasswordPolicyTests {
    let policy = PasswordPolicy()

    func refusal(_ password: String, email: String? = "jane.doe@clinic.example") -> String? {
        do {
            try policy.check(PasswordPolicy.normalize(password), field: "pw", email: email)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func acceptsLongUnusualPasswords() {
        for good in ["grey-otter-tuesday-lantern", "correct horse battery", "日本語のパスワードですよね", "Tr0ub4dor&3-extended"] {
            #expect(refusal(good) == nil, "\(good)")
        }
    }

    @Test func refusesWeakOnes() {
        #expect(refusal("")?.contains("required") == true)
        #expect(refusal("short1!")?.contains("at least 12") == true)
        #expect(refusal(String(repeating: "x", count: 257))?.contains("at most") == true)
        #expect(refusal("aaaaaaaaaaaaaaa")?.contains("simple") == true)
        #expect(refusal("abababababababab")?.contains("simple") == true)
        #expect(refusal("abcdefghijklmnop")?.contains("sequence") == true)
        #expect(refusal("9876543210987")?.contains("sequence") == true)
        for common in ["password1234", "Password2024!", "P@ssw0rd123456", "qwerty123456", "clinicclinic12", "Welcome!2025"] {
            #expect(refusal(common)?.contains("common") == true, "\(common)")
        }
        #expect(refusal("my-jane.doe-password-x")?.contains("e-mail") == true)
        #expect(refusal("my-jane.doe-password-x", email: nil) == nil)
    }

    @Test func lengthCountsCharactersAfterNormalization() {
        // "é" written as e + combining accent is one scalar after NFC.
        let decomposed = String(repeating: "e\u{301}", count: 11) + "x"
        #expect(PasswordPolicy.normalize(decomposed).unicodeScalars.count == 12)
        #expect(PasswordPolicy.normalize(decomposed) == PasswordPolicy.normalize(String(repeating: "é", count: 11) + "x"))
    }
}

@Suite("Account rules (no I/O)")
struct AccountRulesTests {
    let now = Date(timeIntervalSince1970: 1_000_000)
    let root = Principal(accountID: "root", roles: [.superAdmin], tenant: nil)
    var adminA: Principal { Principal(accountID: "adminA", roles: [.clinicAdmin], tenant: try! TenantID("clinic_a")) }  // A valid literal id.
    var doctorA: Principal { Principal(accountID: "docA", roles: [.doctor], tenant: try! TenantID("clinic_a")) }  // A valid literal id.

    func account(_ id: String, _ roles: Set<Role>, clinic: String?) -> AccountRecord {
        AccountRecord(id: id, email: "\(id)@x.example", roles: roles, clinicID: clinic, status: .active, createdAt: now)
    }

    @Test func management() {
        #expect(AccountRules.canManage(root, account("x", [.superAdmin], clinic: nil)))
        #expect(AccountRules.canManage(adminA, account("x", [.doctor], clinic: "clinic_a")))
        #expect(!AccountRules.canManage(adminA, account("x", [.doctor], clinic: "clinic_b")))
        #expect(!AccountRules.canManage(adminA, account("x", [.patient], clinic: nil)))
        #expect(!AccountRules.canManage(doctorA, account("x", [.doctor], clinic: "clinic_a")))
        #expect(AccountRules.canRead(doctorA, account("docA", [.doctor], clinic: "clinic_a")))
        #expect(AccountRules.canManage(Principal(service: "clinics"), account("x", [.clinicAdmin], clinic: "clinic_a")))
        #expect(!AccountRules.canManage(Principal(service: "clinics"), account("x", [.superAdmin], clinic: nil)))
    }

    @Test func profileViews() {
        let doctor = account("docA", [.doctor], clinic: "clinic_a")
        #expect(AccountRules.profileView(doctorA, doctor, patientLinked: false) == .full)
        #expect(AccountRules.profileView(adminA, doctor, patientLinked: false) == .full)
        #expect(AccountRules.profileView(Principal(accountID: "d2", roles: [.doctor], tenant: try! TenantID("clinic_a")), doctor, patientLinked: false) == .limited)  // Valid id.
        let patient = Principal(accountID: "p", roles: [.patient], tenant: nil)
        #expect(AccountRules.profileView(patient, doctor, patientLinked: true) == .limited)
        #expect(AccountRules.profileView(patient, doctor, patientLinked: false) == nil)
        #expect(AccountRules.profileView(patient, account("p2", [.patient], clinic: nil), patientLinked: true) == nil)
    }
}

@testable import AuthService
import ClinicAPI
import ClinicTLS
import Foundation
import Platform
import RPCCore
import Storage
import Testing

@Suite("Signing keys, key distribution, first super admin")
struct KeysAndBootstrapTests {
    @Test func signingKeyIsCreatedOnceWith0600AndSurvivesRestarts() async throws {
        let harness = try await AuthHarness.start()
        let path = SigningKeyFiles.privateKeyPath(dataDirectory: harness.directory)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let before = try await harness.anonymous.auth.getSigningKeys(Clinic_Auth_V1_GetSigningKeysRequest())
        try await harness.seed("p@clinic.example", roles: [.patient])
        let (_, login) = try await harness.login("p@clinic.example")
        await harness.stop(removing: false)

        let restarted = try await AuthHarness.start(directory: harness.directory, clock: harness.clock)
        let after = try await restarted.anonymous.auth.getSigningKeys(Clinic_Auth_V1_GetSigningKeysRequest())
        #expect(after.keys.map(\.keyId) == before.keys.map(\.keyId))
        // Tokens issued before the restart still verify, accounts are still there.
        _ = try await restarted.service.verifier.verify(login.tokens!.accessToken)
        _ = try await restarted.login("p@clinic.example")
        await restarted.stop(removing: true)
    }

    @Test func anotherServiceVerifiesTokensWithKeysFetchedOnce() async throws {
        try await AuthHarness.with { harness in
            let response = try await harness.anonymous.auth.getSigningKeys(Clinic_Auth_V1_GetSigningKeysRequest())
            let key = try #require(response.keys.first)
            #expect(key.algorithm == .ed25519 && key.state == .active && response.maxAge?.seconds == 3600)
            // A service elsewhere: keys over the public RPC, then local verification.
            let source = AuthServiceKeySource(client: harness.anonymous.client)
            let verifier = AccessTokenVerifier(keys: VerificationKeySet(source: source), now: { harness.clock.now })
            try await harness.seed("doc@clinic.example", roles: [.doctor], clinic: "clinic_a")
            let token = try #require(try await harness.login("doc@clinic.example").1.tokens?.accessToken)
            let principal = try await verifier.verify(token)
            #expect(principal.roles == [.doctor] && principal.tenant?.rawValue == "clinic_a")
            // A service on the same host can read the public key file instead.
            let fileVerifier = AccessTokenVerifier(
                keys: VerificationKeySet(source: PublicKeyFileSource(path: SigningKeyFiles.publicKeysPath(dataDirectory: harness.directory))),
                now: { harness.clock.now })
            #expect(try await fileVerifier.verify(token) == principal)
        }
    }

    @Test func bootstrapCreatesTheFirstSuperAdminDirectlyInTheDatabase() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var name = Clinic_Common_V1_PersonName()
        name.givenName = "Ada"
        let created = try await AuthBootstrap.createAccount(
            dataDirectory: directory, email: "root@clinic.example", password: AuthHarness.password, roles: [.superAdmin],
            name: name, passwordHashing: .testing)
        #expect(created.roles == [.superAdmin] && created.state == .active)
        let duplicate = await rpcError {
            try await AuthBootstrap.createAccount(
                dataDirectory: directory, email: "ROOT@clinic.example", password: AuthHarness.password, roles: [.superAdmin],
                name: name, passwordHashing: .testing)
        }
        #expect(duplicate?.code == .alreadyExists)
        let weak = await rpcError {
            try await AuthBootstrap.createAccount(
                dataDirectory: directory, email: "second@clinic.example", password: "password", roles: [.superAdmin],
                name: name, passwordHashing: .testing)
        }
        #expect(weak?.code == .invalidArgument)
        let shape = await rpcError {
            try await AuthBootstrap.createAccount(
                dataDirectory: directory, email: "third@clinic.example", password: AuthHarness.password, roles: [.clinicAdmin],
                name: name, passwordHashing: .testing)
        }
        #expect(shape?.code == .invalidArgument)
        // The running service (same folder) lets the super admin log in.
        let harness = try await AuthHarness.start(directory: directory)
        let (root, login) = try await harness.login("root@clinic.example")
        #expect(login.account?.id == created.id)
        _ = try await root.auth.listAccounts(Clinic_Auth_V1_ListAccountsRequest())
        await harness.stop(removing: false)
    }

    @Test func roleNamesFromTheCommandLine() {
        #expect(Role(argument: "super-admin") == .superAdmin)
        #expect(Role(argument: "clinic_admin") == .clinicAdmin)
        #expect(Role(argument: "Doctor") == .doctor)
        #expect(Role(argument: "service") == nil)
        #expect(Role(argument: "root") == nil)
    }
}

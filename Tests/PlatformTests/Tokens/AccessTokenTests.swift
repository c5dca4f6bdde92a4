import ClinicTLS
import Foundation
@testable import Platform
import Storage
import Testing

@Suite("Access tokens (JWT, EdDSA)")
struct AccessTokenTests {
    let fixture: TokenFixture

    init() throws { fixture = try TokenFixture() }

    private func refusal(_ token: String) async -> TokenError.Code? {
        do {
            _ = try await fixture.verifier.verify(token)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func issuedTokenVerifiesToItsPrincipal() async throws {
        let token = try fixture.token([.clinicAdmin, .doctor], tenant: "clinic_a", account: "acc_1", session: "ses_9")
        let principal = try await fixture.verifier.verify(token)
        #expect(principal.kind == .account)
        #expect(principal.accountID == "acc_1")
        #expect(principal.roles == [.clinicAdmin, .doctor])
        #expect(principal.tenant == (try TenantID("clinic_a")))
        #expect(principal.sessionID == "ses_9")
        // The header is the pinned one.
        let header = String(token.split(separator: ".")[0])
        let decoded = try JSONSerialization.jsonObject(with: Data(try #require(Base64URL.decode(header)))) as? [String: String]
        #expect(decoded == ["alg": "EdDSA", "typ": "JWT", "kid": fixture.key.publicKey.keyID])
    }

    @Test func expiredTokenIsRefusedAfterTheLeeway() async throws {
        let token = try fixture.token([.patient])
        fixture.clock.advance(by: 600 + 29)  // Within the 30 s leeway.
        #expect(await refusal(token) == nil)
        fixture.clock.advance(by: 2)
        #expect(await refusal(token) == .expired)
    }

    @Test func tokenFromTheFutureIsRefused() async throws {
        let token = try fixture.token([.patient])
        fixture.clock.advance(by: -31)
        #expect(await refusal(token) == .notYetValid)
    }

    @Test func tamperedPayloadIsRefused() async throws {
        let token = try fixture.token([.patient], tenant: nil)
        var parts = token.split(separator: ".").map(String.init)
        let payload = try #require(Base64URL.decode(parts[1]))
        var claims = try #require(JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        claims["roles"] = ["super_admin"]
        parts[1] = Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: claims)))
        #expect(await refusal(parts.joined(separator: ".")) == .badSignature)
        // One flipped character of the signature.
        var signature = Array(token.split(separator: ".")[2])
        signature[4] = signature[4] == "A" ? "B" : "A"
        parts = token.split(separator: ".").map(String.init)
        parts[2] = String(signature)
        #expect(await refusal(parts.joined(separator: ".")) == .badSignature)
    }

    @Test func algNoneIsRefused() async throws {
        let claims = fixture.validClaims(roles: ["super_admin"])
        let header = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payload = Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: claims)))
        #expect(await refusal(header + "." + payload + ".") == .unsupportedAlgorithm)
        #expect(await refusal(header + "." + payload) == .malformed)
        // `none` with our kid and even a valid signature is still refused: the alg is pinned.
        var noneHeader = fixture.validHeader
        noneHeader["alg"] = "none"
        #expect(await refusal(try fixture.forge(header: noneHeader, claims: claims)) == .unsupportedAlgorithm)
    }

    @Test func otherAlgorithmsAreRefused() async throws {
        for alg in ["HS256", "RS256", "ES256", "EdDSA ", "eddsa", ""] {
            var header = fixture.validHeader
            header["alg"] = alg
            #expect(await refusal(try fixture.forge(header: header, claims: fixture.validClaims())) == .unsupportedAlgorithm, "\(alg)")
        }
        var critical = fixture.validHeader
        critical["crit"] = ["exp"]
        #expect(await refusal(try fixture.forge(header: critical, claims: fixture.validClaims())) == .unsupportedAlgorithm)
    }

    @Test func wrongKeyIsRefused() async throws {
        let other = try SigningPrivateKey.generate()
        // Another key claiming our kid: the signature does not verify.
        #expect(await refusal(try fixture.forge(header: fixture.validHeader, claims: fixture.validClaims(), signWith: other)) == .badSignature)
        // Another key under its own kid: unknown.
        var header = fixture.validHeader
        header["kid"] = other.publicKey.keyID
        #expect(await refusal(try fixture.forge(header: header, claims: fixture.validClaims(), signWith: other)) == .unknownKey)
    }

    @Test func wrongIssuerOrAudienceIsRefused() async throws {
        var claims = fixture.validClaims()
        claims["iss"] = "someone-else"
        #expect(await refusal(try fixture.forge(header: fixture.validHeader, claims: claims)) == .wrongIssuer)
        claims = fixture.validClaims()
        claims["aud"] = "another-platform"
        #expect(await refusal(try fixture.forge(header: fixture.validHeader, claims: claims)) == .wrongAudience)
        // An issuer configured for another platform signs tokens that ours refuses.
        let foreign = AccessTokenIssuer(key: fixture.key, settings: TokenSettings(issuer: "other-auth"))
        let token = try foreign.issue(accountID: "a", roles: [.doctor], tenant: nil, sessionID: "s", now: fixture.clock.now)
        #expect(await refusal(token.token.value) == .wrongIssuer)
    }

    @Test func malformedTokensAreRefused() async throws {
        let valid = try fixture.token([.patient])
        let parts = valid.split(separator: ".").map(String.init)
        let cases = [
            "", "abc", "a.b", "a.b.c.d", valid + ".", parts[0] + "=." + parts[1] + "." + parts[2],
            parts[0] + "." + parts[1] + "." + parts[2] + "==", String(repeating: "a", count: 9000),
            Base64URL.encode(Array("not json".utf8)) + "." + parts[1] + "." + parts[2],
        ]
        for token in cases {
            #expect(await refusal(token) == .malformed, "\(token.prefix(40))")
        }
    }

    @Test func claimsMustBeWellFormed() async throws {
        var claims = fixture.validClaims()
        claims["roles"] = ["service"]  // A token can never carry the service role.
        #expect(await refusal(try fixture.forge(header: fixture.validHeader, claims: claims)) == .malformed)
        claims = fixture.validClaims()
        claims["tenant"] = "../other"
        #expect(await refusal(try fixture.forge(header: fixture.validHeader, claims: claims)) == .malformed)
        claims = fixture.validClaims()
        claims["exp"] = "soon"
        #expect(await refusal(try fixture.forge(header: fixture.validHeader, claims: claims)) == .malformed)
        claims = fixture.validClaims()
        claims["exp"] = (claims["iat"] as! Int64) + 48 * 3600  // Longer than any token we issue.
        #expect(await refusal(try fixture.forge(header: fixture.validHeader, claims: claims)) == .malformed)
        claims = fixture.validClaims()
        claims["sub"] = ""
        #expect(await refusal(try fixture.forge(header: fixture.validHeader, claims: claims)) == .malformed)
        // Unknown extra claims and unknown role names (from a newer issuer) are ignored.
        claims = fixture.validClaims(roles: ["doctor", "auditor"])
        claims["extra"] = true
        #expect(await refusal(try fixture.forge(header: fixture.validHeader, claims: claims)) == nil)
    }
}

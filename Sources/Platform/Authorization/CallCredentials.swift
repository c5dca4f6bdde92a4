package import RPCCore

/// What a call presents to prove who it comes from, before anything is checked.
package struct CallCredentials: Sendable {
    /// The `authorization` metadata.
    package enum Bearer: Sendable {
        /// No `authorization` metadata.
        case absent
        /// Present but not exactly one `Bearer <token>` value.
        case malformed
        /// A bearer token (not verified yet).
        case token(Redacted<String>)
    }

    /// The bearer token, if any.
    package var bearer: Bearer
    /// The trusted platform service the verified mTLS certificate names, if any.
    package var service: String?

    /// Makes credentials.
    package init(bearer: Bearer, service: String?) {
        self.bearer = bearer
        self.service = service
    }

    /// Reads the credentials of a call: its `authorization` metadata and its transport peer.
    package init(metadata: Metadata, peer: Peer, trust: ServiceTrust) {
        self.init(bearer: Self.bearer(in: metadata), service: trust.service(forPeerIdentity: peer.identity))
    }

    /// Exactly one text value `Bearer <token>` (scheme case-insensitive, RFC 6750).
    static func bearer(in metadata: Metadata) -> Bearer {
        let values = metadata.values(of: "authorization")
        guard !values.isEmpty else { return .absent }
        guard values.count == 1, case .text(let text) = values[0] else { return .malformed }
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty,
            !parts[1].contains(where: { $0 == " " || $0 == "\t" })
        else { return .malformed }
        return .token(Redacted(String(parts[1])))
    }
}

/// The outcome of checking a bearer token: a principal, or why it was refused.
package enum TokenCheck: Sendable {
    /// No token was presented.
    case absent
    /// The token verified.
    case verified(Principal)
    /// The token was refused.
    case refused(TokenError)
}

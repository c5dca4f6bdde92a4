import RPCCore

/// The final status of a call of `method` with an empty request (any call shape), made
/// directly on a transport: what the authorization interceptor answers before any decoding.
func rawStatus(_ transport: InProcessTransport, _ method: MethodDescriptor, metadata: Metadata) async throws -> RPCStatus {
    try await transport.client.withStream(RPCCallStart(method: method.fullName, metadata: metadata)) { stream in
        try? await stream.outbound.write(.message([]))
        try? await stream.outbound.write(.end)
        for try await part in stream.inbound {
            if case .trailers(let status, _) = part { return status }
        }
        return RPCStatus(code: .internal, message: "no trailers", details: [])
    }
}

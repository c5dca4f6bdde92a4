import ProtoRuntime

/// Turns an HTTP request (path variables, query string, body) into the protobuf bytes of the
/// method's request message.
///
/// Each part is decoded on its own and the binary encodings are concatenated: protobuf merges
/// concatenated messages field by field, so the path variables (written last) win over the
/// same field in a JSON body, and nothing is parsed twice.
struct RequestBinder: Sendable {
    let translator: MessageTranslator

    /// The request of a unary or server-streaming call.
    func request(
        binding: RequestBinding, input: MessageDescriptor, variables: [String],
        query: [(name: String, value: String)], body: [UInt8]
    ) throws(EdgeError) -> [UInt8] {
        var bytes = try bodyMessage(binding.body, input: input, body: body)
        bytes += try parameters(binding: binding, input: input, variables: variables, query: query)
        return bytes
    }

    /// The requests of a client-streaming call: one JSON message per non-blank NDJSON line, each
    /// with the path variables applied.
    func streamedRequests(
        binding: RequestBinding, input: MessageDescriptor, variables: [String],
        query: [(name: String, value: String)], body: [UInt8]
    ) throws(EdgeError) -> [[UInt8]] {
        let parameters = try self.parameters(binding: binding, input: input, variables: variables, query: query)
        var messages: [[UInt8]] = []
        for (index, line) in body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !JSONText.isBlank(line) {
            do {
                messages.append(try translator.binary(fromJSON: line, as: input) + parameters)
            } catch {
                var error = error
                error.message = "line \(index + 1): \(error.message)"
                throw error
            }
        }
        return messages
    }

    private func bodyMessage(_ body: RequestBinding.Body, input: MessageDescriptor, body bytes: [UInt8]) throws(EdgeError) -> [UInt8] {
        switch body {
        case .none:
            guard JSONText.isBlank(bytes) else { throw EdgeError(.invalidArgument, "this route takes no request body") }
            return []
        case .whole:
            return JSONText.isBlank(bytes) ? [] : try translator.binary(fromJSON: bytes, as: input)
        case .messageField(let number, let name, let descriptor):
            guard !JSONText.isBlank(bytes) else { return [] }
            var out: [UInt8] = []
            ProtoBinary.appendBytes(field: number, try translator.binary(fromJSON: bytes, as: descriptor, prefix: name), to: &out)
            return out
        case .rawBytes(let number, _):
            var out: [UInt8] = []
            if !bytes.isEmpty { ProtoBinary.appendBytes(field: number, bytes, to: &out) }
            return out
        }
    }

    /// The path variables and query parameters as binary.
    private func parameters(
        binding: RequestBinding, input: MessageDescriptor, variables: [String], query: [(name: String, value: String)]
    ) throws(EdgeError) -> [UInt8] {
        var object = ParameterObject()
        for (leaf, value) in zip(binding.pathLeaves, variables) {
            object.add(leaf, value)
        }
        if !query.isEmpty {
            guard let plan = binding.query else {
                throw EdgeError.invalidArgument(field: query[0].name, "this route takes no query parameters")
            }
            for (name, value) in query {
                guard let leaf = plan.leaf(named: name) else {
                    throw EdgeError.invalidArgument(field: name, "is not a query parameter of this route")
                }
                object.add(leaf, value)
            }
        }
        guard !object.isEmpty else { return [] }
        return try translator.binary(fromJSON: try object.json().utf8, as: input)
    }
}

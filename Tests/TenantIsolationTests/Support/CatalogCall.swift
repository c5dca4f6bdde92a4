import ClinicAPI
import Foundation
import ProtoRuntime
import RPCCore

/// What a call made from the catalog answered.
enum CallOutcome: Sendable {
    /// Every response message, serialized.
    case success([[UInt8]])
    case failure(RPCError)
    /// The request could not be built: a JSON template that does not decode or does not pass the
    /// generated `validate()` (a bug of the test's table, never an answer of the service).
    case invalidRequest(String)

    /// The answer in a few words, for traces.
    var summary: String {
        switch self {
        case .success(let messages): "OK (\(messages.count) messages)"
        case .failure(let error): "\(error.code): \(error.message)"
        case .invalidRequest(let why): "not sent: \(why)"
        }
    }

    var code: RPCError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}

extension IsolationHarness {
    /// Calls `entry` (any shape) with the requests decoded from `messages` (proto3 JSON, one per
    /// request message) and `options`; collects every response message. With `validating`, a
    /// request that fails its generated `validate()` is not sent.
    func call(_ entry: MethodCatalogEntry, messages: [String], options: CallOptions, validating: Bool = true) async -> CallOutcome {
        guard let client = client(for: entry.descriptor.service) else {
            return .invalidRequest("the harness does not serve \(entry.descriptor.service)")
        }
        return await Self.call(
            entry.descriptor, entry.input, entry.output, client: client, messages: messages, options: options, validating: validating)
    }

    private static func call<Input: ProtoMessage, Output: ProtoMessage>(
        _ method: MethodDescriptor, _: Input.Type, _: Output.Type, client: RPCClient, messages: [String], options: CallOptions,
        validating: Bool
    ) async -> CallOutcome {
        var requests: [Input] = []
        for json in messages {
            do {
                let request = try Input(jsonString: json)
                if validating { try request.validate() }
                requests.append(request)
            } catch {
                return .invalidRequest("\(Input.protoDescriptor.fullName) \(json): \(error)")
            }
        }
        let toSend = requests
        do {
            let responses = try await client.streamingWithMetadata(
                method: method, options: options,
                requestProducer: { (writer: RPCWriter<Input>) in
                    // A server that refuses early may stop reading: what is left unsent does not matter.
                    do { try await writer.write(contentsOf: toSend) } catch {}
                },
                onResponse: { (stream: ClientResponseStream<Output>) in
                    var bytes: [[UInt8]] = []
                    for try await message in stream { bytes.append(try message.serializedBytes()) }
                    return bytes
                })
            return .success(responses)
        } catch let error as RPCError {
            return .failure(error)
        } catch {
            return .failure(RPCError(code: .unknown, message: "\(error)"))
        }
    }
}

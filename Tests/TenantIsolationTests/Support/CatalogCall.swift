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

/// Texts that must not appear in what a caller of the other clinic gets back.
struct LeakCheck: Sendable {
    /// How strict a check is.
    enum Rule: Sendable, Hashable {
        /// Nothing of the target clinic: no id, no text (the call acted in the caller's own clinic).
        case nothing
        /// A public read of the target clinic: its public texts (clinic, doctor) are fine, nothing private.
        case publicOnly
        /// The caller's own clinic's audit log, which records the caller's own refused attempts
        /// with the ids the caller sent: ids are fine, no private text.
        case idsEchoed
    }

    var privateTexts: [String]
    var privateIDs: [String]
    var publicTexts: [String]

    init(_ world: ClinicWorld) {
        privateTexts = world.privateTexts
        privateIDs = world.privateIDs
        publicTexts = world.publicTexts
    }

    /// The forbidden texts found in `bytes` under `rule`.
    func leaks(in bytes: [UInt8], rule: Rule) -> [String] {
        var forbidden = privateTexts
        if rule != .idsEchoed { forbidden += privateIDs }
        if rule == .nothing { forbidden += publicTexts }
        return forbidden.filter { !$0.isEmpty && bytes.contains(subsequence: Array($0.utf8)) }
    }

    /// The forbidden texts found in an outcome: the response messages, or an error's message
    /// (which may echo the caller's own ids, never the target's private texts).
    func leaks(in outcome: CallOutcome, rule: Rule) -> [String] {
        switch outcome {
        case .success(let messages): return leaks(in: Array(messages.joined()), rule: rule)
        case .failure(let error): return leaks(in: Array(error.message.utf8), rule: .idsEchoed)
        case .invalidRequest: return []
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in the bytes.
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        let first = needle[0]
        var index = startIndex
        while index <= count - needle.count {
            if self[index] == first, self[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}

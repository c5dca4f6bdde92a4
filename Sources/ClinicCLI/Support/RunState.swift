import Foundation
import RPCTransport
import ServiceHost

/// What a running `clinic up` tells other `clinic` commands (`call`, `status`) about itself, in
/// `<data>/run/up.json`: the registry's address, the edge's URL and the certificates folder.
struct RunState: Codable, Equatable {
    var registry: String
    var http: String
    var certificates: String
    var pid: Int32

    static func path(data: String) -> String {
        URL(fileURLWithPath: data).appendingPathComponent("run/up.json").path
    }

    /// Writes the file (atomically).
    func write(data: String) throws {
        let url = URL(fileURLWithPath: Self.path(data: data))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    /// The state of the platform running on `data`, if any.
    static func read(data: String) -> RunState? {
        guard let bytes = FileManager.default.contents(atPath: path(data: data)) else { return nil }
        return try? JSONDecoder().decode(RunState.self, from: bytes)
    }

    /// Removes the file (the platform stopped).
    static func remove(data: String) {
        try? FileManager.default.removeItem(atPath: path(data: data))
    }

    /// The registry endpoint.
    var registryEndpoint: Endpoint? { Endpoint(parsing: registry) }
}

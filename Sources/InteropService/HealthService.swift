public import ClinicAPI
public import RPCCore
import Synchronization

/// `clinic.health.v1.HealthService` for any process: the serving status of each RPC service it
/// hosts, and of the process as a whole (the empty name). Register it next to the services;
/// flip statuses with `setStatus` (e.g. NOT_SERVING while draining, so load balancers and the
/// registry move away before GOAWAY).
///
/// ```swift
/// let health = HealthService(serving: [Clinic_Auth_V1_AuthService.descriptor])
/// let server = RPCServer(services: [AuthServiceImpl(), health], transports: [transport])
/// ```
public final class HealthService: Clinic_Health_V1_HealthService.ServiceProtocol {
    private struct State {
        var statuses: [String: Clinic_Health_V1_ServingStatus]
        var watchers: [String: [UInt64: AsyncStream<Clinic_Health_V1_ServingStatus>.Continuation]] = [:]
        var lastWatcher: UInt64 = 0
    }

    private let state: Mutex<State>

    /// Reports `services` and the process (`""`) as SERVING.
    public init(serving services: [ServiceDescriptor] = []) {
        var statuses: [String: Clinic_Health_V1_ServingStatus] = ["": .serving]
        for service in services { statuses[service.fullName] = .serving }
        state = Mutex(State(statuses: statuses))
    }

    /// Sets the status of `service` (`""` for the process); watchers see the change.
    public func setStatus(_ status: Clinic_Health_V1_ServingStatus, for service: String) {
        let watchers = state.withLock { state in
            state.statuses[service] = status
            return Array(state.watchers[service, default: [:]].values)
        }
        for watcher in watchers { watcher.yield(status) }
    }

    /// Marks every service and the process NOT_SERVING (call it when shutdown begins).
    public func enterShutdown() {
        let names = state.withLock { Array($0.statuses.keys) }
        for name in names { setStatus(.notServing, for: name) }
    }

    /// The current status of `service`, nil when unknown.
    public func status(of service: String) -> Clinic_Health_V1_ServingStatus? {
        state.withLock { $0.statuses[service] }
    }

    public func check(request: Clinic_Health_V1_HealthCheckRequest, context: ServerContext) async throws
        -> Clinic_Health_V1_HealthCheckResponse
    {
        guard let status = status(of: request.service) else {
            throw RPCError(code: .notFound, message: "unknown service: \(request.service)")
        }
        var response = Clinic_Health_V1_HealthCheckResponse()
        response.status = status
        return response
    }

    public func list(request: Clinic_Health_V1_HealthListRequest, context: ServerContext) async throws
        -> Clinic_Health_V1_HealthListResponse
    {
        var response = Clinic_Health_V1_HealthListResponse()
        for (name, status) in state.withLock({ $0.statuses }) {
            var entry = Clinic_Health_V1_HealthCheckResponse()
            entry.status = status
            response.statuses[name] = entry
        }
        return response
    }

    public func watch(
        request: Clinic_Health_V1_HealthCheckRequest, response: RPCWriter<Clinic_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        let (changes, continuation) = AsyncStream.makeStream(
            of: Clinic_Health_V1_ServingStatus.self, bufferingPolicy: .bufferingNewest(1))
        let (id, current) = state.withLock { state in
            state.lastWatcher += 1
            state.watchers[request.service, default: [:]][state.lastWatcher] = continuation
            return (state.lastWatcher, state.statuses[request.service])
        }
        defer {
            _ = state.withLock { $0.watchers[request.service]?.removeValue(forKey: id) }
            continuation.finish()
        }
        var last = current ?? .serviceUnknown
        try await send(last, to: response)
        // Ends when the call is cancelled (the stream's iteration stops on task cancellation).
        for await status in changes where status != last {
            last = status
            try await send(status, to: response)
        }
    }

    private func send(_ status: Clinic_Health_V1_ServingStatus, to response: RPCWriter<Clinic_Health_V1_HealthCheckResponse>)
        async throws
    {
        var message = Clinic_Health_V1_HealthCheckResponse()
        message.status = status
        try await response.write(message)
    }
}

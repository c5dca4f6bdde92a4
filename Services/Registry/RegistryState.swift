import ClinicAPI
import Foundation
import Platform

/// One registered instance and its lease.
struct RegistryEntry: Sendable, Equatable {
    /// The instance as it registered (output-only fields cleared).
    var instance: Clinic_Registry_V1_ServiceInstance
    var leaseID: String
    var ttl: Duration
    var registeredAt: Date
    var lastHeartbeatAt: Date
    var expiresAt: Date
    var state: Clinic_Registry_V1_ServingState

    /// SERVING (an unexpired entry is in the books; expired ones are swept).
    var isHealthy: Bool { state == .serving }

    /// The instance with its output-only fields, as answers carry it.
    var published: Clinic_Registry_V1_ServiceInstance {
        var instance = self.instance
        instance.state = state
        instance.registerTime = .init(date: registeredAt)
        instance.lastHeartbeatTime = .init(date: lastHeartbeatAt)
        instance.expireTime = .init(date: expiresAt)
        return instance
    }

    /// What a watcher compares to tell an update: everything but the heartbeat times, which move
    /// on every heartbeat and would otherwise turn each one into an event.
    var watchedShape: Clinic_Registry_V1_ServiceInstance {
        var instance = published
        instance.lastHeartbeatTime = nil
        instance.expireTime = nil
        return instance
    }

    func serves(_ rpcService: String) -> Bool { instance.rpcServices.contains(rpcService) }
}

/// The books of the registry, without I/O or locks: instances by id, leases by id, and a
/// revision counter bumped by every change a watcher could see. Methods take the time from the
/// caller, so tests drive expiry without waiting.
struct RegistryState: Sendable {
    private(set) var entries: [String: RegistryEntry] = [:]
    /// Lease id → instance id.
    private var leases: [String: String] = [:]
    /// Bumped by every registration, state change, removal and expiry.
    private(set) var revision: Int64 = 0

    /// Why a lease operation failed.
    enum LeaseFailure: Error, Equatable {
        /// Expired, deregistered, replaced, or never granted (the registry restarted).
        case unknownLease
        /// The lease belongs to an instance of another service.
        case notOwner
    }

    /// Registers `instance` (replacing an entry with the same instance id and its lease).
    /// Fails with `notOwner` when that id belongs to another service.
    mutating func register(
        _ instance: Clinic_Registry_V1_ServiceInstance, ttl: Duration, leaseID: String, now: Date
    ) -> Result<RegistryEntry, LeaseFailure> {
        if let existing = entries[instance.instanceId] {
            guard existing.instance.serviceName == instance.serviceName else { return .failure(.notOwner) }
            leases[existing.leaseID] = nil
        }
        var stored = instance
        stored.state = .unspecified
        stored.registerTime = nil
        stored.lastHeartbeatTime = nil
        stored.expireTime = nil
        let entry = RegistryEntry(
            instance: stored, leaseID: leaseID, ttl: ttl, registeredAt: now, lastHeartbeatAt: now,
            expiresAt: now.addingTimeInterval(ttl.timeInterval), state: .serving)
        entries[instance.instanceId] = entry
        leases[leaseID] = instance.instanceId
        revision += 1
        return .success(entry)
    }

    /// Renews the lease of `leaseID` for `service` and records its serving state.
    mutating func heartbeat(
        leaseID: String, service: String, state: Clinic_Registry_V1_ServingState, now: Date
    ) -> Result<RegistryEntry, LeaseFailure> {
        guard let id = leases[leaseID], var entry = entries[id], entry.expiresAt > now else {
            return .failure(.unknownLease)
        }
        guard entry.instance.serviceName == service else { return .failure(.notOwner) }
        entry.lastHeartbeatAt = now
        entry.expiresAt = now.addingTimeInterval(entry.ttl.timeInterval)
        if entry.state != state {
            entry.state = state
            revision += 1
        }
        entries[id] = entry
        return .success(entry)
    }

    /// Removes the instance holding `leaseID`; false when the lease was already gone.
    mutating func deregister(leaseID: String, service: String) -> Result<Bool, LeaseFailure> {
        guard let id = leases[leaseID], let entry = entries[id] else { return .success(false) }
        guard entry.instance.serviceName == service else { return .failure(.notOwner) }
        remove(id)
        return .success(true)
    }

    /// Drops every entry whose lease expired at `now`; returns their instance ids.
    @discardableResult
    mutating func expire(now: Date) -> [String] {
        let expired = entries.values.filter { $0.expiresAt <= now }.map(\.instance.instanceId).sorted()
        for id in expired { remove(id) }
        return expired
    }

    /// The earliest lease expiry, if any (when the sweeper next has work).
    var nextExpiry: Date? { entries.values.map(\.expiresAt).min() }

    private mutating func remove(_ id: String) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        leases[entry.leaseID] = nil
        revision += 1
    }

    // MARK: Queries

    /// Instances serving `rpcService`, ordered by instance id: healthy ones only unless
    /// `includeUnhealthy`.
    func instances(serving rpcService: String, includeUnhealthy: Bool) -> [RegistryEntry] {
        entries.values
            .filter { $0.serves(rpcService) && (includeUnhealthy || $0.isHealthy) }
            .sorted { $0.instance.instanceId < $1.instance.instanceId }
    }

    /// Every instance (of `serviceName` when not empty) after the position `after`, ordered by
    /// service name then instance id, at most `limit` of them, and whether more follow.
    func page(serviceName: String, after: ListPosition?, limit: Int) -> (entries: [RegistryEntry], more: Bool) {
        let ordered = entries.values
            .filter { serviceName.isEmpty || $0.instance.serviceName == serviceName }
            .map { (ListPosition(entry: $0), $0) }
            .filter { position, _ in after.map { position > $0 } ?? true }
            .sorted { $0.0 < $1.0 }
        return (ordered.prefix(limit).map(\.1), ordered.count > limit)
    }
}

/// A place in the `ListInstances` order: service name, then instance id.
struct ListPosition: Comparable, Sendable, Codable {
    var serviceName: String
    var instanceID: String

    init(serviceName: String, instanceID: String) {
        self.serviceName = serviceName
        self.instanceID = instanceID
    }

    init(entry: RegistryEntry) {
        self.init(serviceName: entry.instance.serviceName, instanceID: entry.instance.instanceId)
    }

    static func < (lhs: ListPosition, rhs: ListPosition) -> Bool {
        (lhs.serviceName, lhs.instanceID) < (rhs.serviceName, rhs.instanceID)
    }
}

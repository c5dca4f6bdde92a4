import ClinicAPI

/// Turns two views of a watched service (instance id → instance) into the watch events that
/// lead from one to the other, in instance-id order: removals, then additions and updates.
///
/// Watchers are level-triggered: a change only wakes them, and they diff what they last sent
/// against the current view. Many changes while a watcher is slow coalesce into one diff, so a
/// slow watcher costs one pending wake-up, never a growing queue — and none is ever lost.
enum WatchDiff {
    /// A view: the watched shape of each visible instance by id.
    typealias View = [String: Clinic_Registry_V1_ServiceInstance]

    /// One event: what happened and to which instance.
    struct Event: Equatable {
        var kind: Clinic_Registry_V1_WatchEventKind
        var instance: Clinic_Registry_V1_ServiceInstance
    }

    /// The events from `old` to `new`.
    static func events(from old: View, to new: View) -> [Event] {
        var events: [Event] = []
        for id in old.keys.sorted() where new[id] == nil {
            // Safe: `id` is a key of `old`.
            events.append(Event(kind: .removed, instance: old[id]!))
        }
        for id in new.keys.sorted() {
            let instance = new[id]!  // Safe: `id` is a key of `new`.
            switch old[id] {
            case nil: events.append(Event(kind: .added, instance: instance))
            case let previous? where previous != instance: events.append(Event(kind: .updated, instance: instance))
            default: break
            }
        }
        return events
    }

    /// The view of `entries`.
    static func view(of entries: [RegistryEntry]) -> View {
        Dictionary(entries.map { ($0.instance.instanceId, $0.watchedShape) }, uniquingKeysWith: { first, _ in first })
    }
}

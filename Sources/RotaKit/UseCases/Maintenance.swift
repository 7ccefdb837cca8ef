import Foundation
import RotaConfig
import RotaCore
import RotaEngine
import RotaNotify
import RotaStore

/// Maintenance windows (DESIGN §10): add, list, remove (releasing what they held).
public struct MaintenanceUseCases: UseCase {
    public let context: Workspace


    public func add(service id: String, window: Window, reason: String?, as actorName: String?) async throws -> Int {
        let service = try service(id)
        let actor = try actor(as: actorName)
        return try await storeCall {
            try await store.addMaintenance(service: service.id, start: window.from, end: window.to, reason: reason, actor: actor, now: now)
        }
    }

    public func list(all: Bool) async throws -> [StoredMaintenance] {
        try await storeCall { try await store.maintenance(endingAfter: all ? nil : now) }
    }

    public func remove(id: Int, as actorName: String?) async throws -> (window: StoredMaintenance, released: Int) {
        let actor = try actor(as: actorName)
        do {
            return try await store.removeMaintenance(id: id, actor: actor, now: now)
        } catch .notFound(let what) {
            throw RotaError.notFound("\(what); 'rota maintenance list --all' shows them")
        } catch {
            throw RotaError.store(error)
        }
    }

}

extension Workspace {
    public var maintenance: MaintenanceUseCases { MaintenanceUseCases(context: self) }
}

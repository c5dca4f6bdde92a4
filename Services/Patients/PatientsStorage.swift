import Foundation
import Platform
import RPCCore
package import Storage

/// Where the patients service keeps its data, shared by `PatientsService` and
/// `MedicalRecordService` (one process serves both):
///
/// - `<data>/patients/<clinic>.sqlite` — per clinic: patients, medical records, documents'
///   metadata, the audit log (see `PatientsSchema`);
/// - `<data>/patients/platform.db` — patient profiles and clinic links;
/// - `<data>/patients/documents/<clinic>/<document id>` — document contents (mode 0600).
package final class PatientsStorage: Sendable {
    /// The per-clinic databases and the platform database.
    package let pool: TenantDatabasePool
    /// Document contents on disk.
    let documents: DocumentFiles

    /// Opens the pool under `dataDirectory` (databases are opened and migrated on first use).
    package init(
        dataDirectory: String, configuration: StorageConfiguration = StorageConfiguration(), maxOpenDatabases: Int = 64
    ) throws {
        pool = try TenantDatabasePool(
            dataDirectory: dataDirectory, service: "patients", tenantMigrator: PatientsSchema.tenant,
            platformMigrator: PatientsSchema.platform, maxOpenDatabases: maxOpenDatabases, configuration: configuration)
        documents = try DocumentFiles(directory: pool.directory + "/documents")
    }

    /// Closes every database and stops the document I/O threads.
    package func close() async {
        await pool.close()
        await documents.shutdown()
    }

    /// Runs a write transaction on the platform database, mapping storage failures to RPC errors.
    func writePlatform<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        do {
            return try await pool.platformDatabase().write(body)
        } catch {
            throw RPCError(storage: error, what: what)
        }
    }

    /// Runs a read transaction on the platform database, mapping storage failures to RPC errors.
    func readPlatform<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        do {
            return try await pool.platformDatabase().read(body)
        } catch {
            throw RPCError(storage: error, what: what)
        }
    }

    /// The link of patient account `accountID` to `clinicID`, if any.
    func link(accountID: String, clinicID: String) async throws -> LinkRecord? {
        try await readPlatform("the clinic link") { db in try LinkStore.find(accountID: accountID, clinicID: clinicID, db) }
    }
}

/// Running transactions on a clinic's database with storage failures mapped to RPC errors.
extension TenantDatabase {
    /// A write transaction; `what` names the data in error messages.
    func writing<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        do {
            return try await write(body)
        } catch {
            throw RPCError(storage: error, what: what)
        }
    }

    /// A read transaction; `what` names the data in error messages.
    func reading<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        do {
            return try await read(body)
        } catch {
            throw RPCError(storage: error, what: what)
        }
    }
}

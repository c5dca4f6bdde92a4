package import ClinicAPI
import ClinicTLS
import Foundation
import Platform
package import RPCCore
import Storage

extension MedicalRecordService {
    /// Largest chunk sent on download.
    static let downloadChunkBytes = 1024 * 1024

    package func uploadDocument(
        request: RPCAsyncSequence<Clinic_Patients_V1_UploadDocumentRequest>, context: ServerContext
    ) async throws -> Clinic_Patients_V1_MedicalDocument {
        let caller = try context.requirePrincipal()
        var messages = request.makeAsyncIterator()
        guard case .header(let header)? = try await messages.next()?.part else {
            throw RequestCheck.invalid("header", "the first message must carry the header")
        }
        let database = try await context.tenantDatabase(clinicID: header.clinicId)
        let clinicID = database.tenant.rawValue
        let now = now()
        let stamp = stamp(context, caller: caller, at: now)
        let patientID = header.patientId
        let documentID = RowID.make("doc")
        let requestKey = header.requestId.isEmpty ? nil : "\(caller)/\(header.requestId)"
        let access = AuditAccess(action: .create, patientID: patientID, resource: AuditResource.document(patientID, documentID))
        do {
            // Checked before any chunk is read: a refused type or size costs the client one message.
            let file = try documentPolicy.check(header.file, field: "header.file")
            guard header.category != .unspecified else { throw RequestCheck.invalid("header.category", "is required") }
            let earlier = try await database.reading("the patient") { db -> DocumentRecord? in
                _ = try Self.reachablePatient(patientID, caller: caller, db)
                return try requestKey.flatMap { try DocumentStore.find(requestKey: $0, db) }
            }
            if let earlier { return earlier.proto }
            let writer = try await storage.documents.startWriting(clinicID: clinicID, documentID: documentID)
            let stored: (size: Int64, sha256: [UInt8])
            do {
                stored = try await Self.receive(&messages, into: writer, declared: file)
            } catch {
                await writer.abort()
                await storage.documents.remove(clinicID: clinicID, documentID: documentID)
                throw error
            }
            let document = DocumentRecord(
                id: documentID, patientID: patientID, file: { var f = file; f.sha256 = stored.sha256; return f }(),
                category: header.category, title: header.title.isEmpty ? file.fileName : header.title,
                description: header.description, consultationID: header.consultationId, uploader: stamp.actor,
                isDeleted: false, requestKey: requestKey, createdAt: now, deletedAt: nil, deleteReason: "")
            do {
                try await database.writing("the document") { db in
                    _ = try Self.reachablePatient(patientID, caller: caller, db)
                    try DocumentStore.insert(document, db)
                    try HistoryLog.append(
                        HistoryChange(
                            kind: .documentAdded, documentID: documentID, consultationID: document.consultationID,
                            summary: "Document \(document.title) added"),
                        patientID: patientID, actor: stamp.actor, now: now, db)
                    try AuditLog.append(access, outcome: .success, stamp: stamp, db)
                }
            } catch {
                await storage.documents.remove(clinicID: clinicID, documentID: documentID)
                throw error
            }
            context.logger.info("document stored", metadata: ["patients.document": "\(documentID)", "patients.bytes": "\(stored.size)"])
            return document.proto
        } catch {
            await auditFailure(error, database, access, stamp: stamp)
            throw error
        }
    }

    package func getDocument(
        request: Clinic_Patients_V1_GetDocumentRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_MedicalDocument {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let (patientID, documentID) = (request.patientId, request.documentId)
        let access = AuditAccess(action: .read, patientID: patientID, resource: AuditResource.document(patientID, documentID))
        return try await audited(database, access, stamp: stamp(context, caller: caller, at: now()), what: "the document") { db in
            try Self.visibleDocument(documentID, of: patientID, caller: caller, db).proto
        }
    }

    package func downloadDocument(
        request: Clinic_Patients_V1_DownloadDocumentRequest, response: RPCWriter<Clinic_Patients_V1_DownloadDocumentResponse>,
        context: ServerContext
    ) async throws {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let (patientID, documentID, offset) = (request.patientId, request.documentId, request.readOffset)
        let access = AuditAccess(action: .download, patientID: patientID, resource: AuditResource.document(patientID, documentID))
        let document = try await audited(database, access, stamp: stamp(context, caller: caller, at: now()), what: "the document") { db in
            let document = try Self.visibleDocument(documentID, of: patientID, caller: caller, db)
            guard offset <= document.file.sizeBytes else {
                throw RPCError(code: .outOfRange, message: "read_offset: is past the end of the document")
            }
            return document
        }
        var first = Clinic_Patients_V1_DownloadDocumentResponse()
        first.part = .document(document.proto)
        try await response.write(first)
        // A whole download is checked against the stored digest: a damaged file ends the stream
        // with data_loss instead of passing for the document.
        let hasher = offset == 0 ? SHA256Hasher() : nil
        var position = offset
        let clinicID = database.tenant.rawValue
        while position < document.file.sizeBytes {
            let count = Int(min(Int64(Self.downloadChunkBytes), document.file.sizeBytes - position))
            let chunk = try await storage.documents.read(clinicID: clinicID, documentID: documentID, offset: position, count: count)
            guard chunk.count == count else { throw RPCError(code: .dataLoss, message: "the document's content is shorter than recorded") }
            hasher?.update(chunk)
            var message = Clinic_Patients_V1_DownloadDocumentResponse()
            message.part = .chunk(chunk)
            try await response.write(message)
            position += Int64(count)
        }
        if let hasher, !ConstantTime.equals(hasher.finalize(), document.file.sha256) {
            logger.error("document content does not match its digest", metadata: ["patients.document": "\(documentID)"])
            throw RPCError(code: .dataLoss, message: "the document's content does not match its checksum")
        }
    }

    package func listDocuments(
        request: Clinic_Patients_V1_ListDocumentsRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_ListDocumentsResponse {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let patientID = request.patientId
        let access = AuditAccess(action: .list, patientID: patientID, resource: AuditResource.documents(patientID))
        let scope = PageScope(request) { $0.pageToken = ""; $0.pageSize = 0 }
        let pageSize = RequestCheck.pageSize(request.pageSize, default: 50)
        return try await audited(database, access, stamp: stamp(context, caller: caller, at: now()), what: "the documents") { db in
            let after = try PageToken<DocumentCursor>.decode(request.pageToken, scope: scope)
            if request.showDeleted, caller.actsAsPatient {
                throw RPCError(code: .permissionDenied, message: "show_deleted: deleted documents are for clinic staff")
            }
            _ = try Self.reachablePatient(patientID, caller: caller, db)
            let documents = try DocumentStore.list(
                patientID: patientID, category: request.category == .unspecified ? nil : Int(request.category.protoNumber),
                consultationID: request.consultationId.isEmpty ? nil : request.consultationId, showDeleted: request.showDeleted,
                after: after, limit: pageSize + 1, db)
            let page = Page(documents, size: pageSize, scope: scope, cursor: DocumentCursor.init)
            var response = Clinic_Patients_V1_ListDocumentsResponse()
            response.documents = page.items.map(\.proto)
            response.nextPageToken = page.nextToken
            return response
        }
    }

    package func deleteDocument(
        request: Clinic_Patients_V1_DeleteDocumentRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_MedicalDocument {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let now = now()
        let stamp = stamp(context, caller: caller, at: now)
        let (patientID, documentID, reason) = (request.patientId, request.documentId, request.reason)
        let access = AuditAccess(action: .delete, patientID: patientID, resource: AuditResource.document(patientID, documentID))
        return try await audited(database, access, stamp: stamp, what: "the document") { db in
            var document = try Self.visibleDocument(documentID, of: patientID, caller: caller, db)
            guard !document.isDeleted else { return document.proto }
            document.isDeleted = true
            document.deletedAt = now
            document.deleteReason = reason
            try DocumentStore.markDeleted(document, db)
            try HistoryLog.append(
                HistoryChange(kind: .documentDeleted, documentID: documentID, summary: "Document \(document.title) deleted"),
                patientID: patientID, actor: stamp.actor, now: now, db)
            return document.proto
        }
    }

    // MARK: Steps

    /// A document of the patient as `caller` may see it: patients never see deleted documents.
    static func visibleDocument(_ documentID: String, of patientID: String, caller: Principal, _ db: Connection) throws -> DocumentRecord {
        _ = try reachablePatient(patientID, caller: caller, db)
        guard let document = try DocumentStore.find(id: documentID, patientID: patientID, db),
            !(document.isDeleted && caller.actsAsPatient)
        else { throw RPCError(code: .notFound, message: "document_id: document not found") }
        return document
    }

    /// Writes the upload's chunks to `writer` until the client half-closes, checking them against
    /// the header: more bytes than declared stop the upload at once; fewer, or another SHA-256,
    /// fail it at the end (`data_loss`).
    static func receive(
        _ messages: inout RPCAsyncSequence<Clinic_Patients_V1_UploadDocumentRequest>.AsyncIterator, into writer: DocumentWriter,
        declared file: Clinic_Common_V1_FileInfo
    ) async throws -> (size: Int64, sha256: [UInt8]) {
        var received: Int64 = 0
        while let message = try await messages.next() {
            guard case .chunk(let chunk)? = message.part else {
                throw RequestCheck.invalid("chunk", "every message after the first must carry a chunk")
            }
            guard received + Int64(chunk.count) <= file.sizeBytes else {
                throw RPCError(code: .dataLoss, message: "the upload holds more bytes than header.file.size_bytes")
            }
            received = try await writer.append(chunk)
        }
        guard received == file.sizeBytes else {
            throw RPCError(code: .dataLoss, message: "the upload holds \(received) bytes, not header.file.size_bytes (\(file.sizeBytes))")
        }
        let stored = try await writer.finish()
        if !file.sha256.isEmpty, !ConstantTime.equals(stored.sha256, file.sha256) {
            throw RPCError(code: .dataLoss, message: "the upload does not match header.file.sha256")
        }
        return stored
    }
}

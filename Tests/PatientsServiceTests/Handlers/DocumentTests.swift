import ClinicAPI
import ClinicTLS
import Foundation
@testable import PatientsService
import RPCCore
import Storage
import Testing

extension PatientsHarness {
    /// Uploads `content` (in `chunkSize` pieces) to `patientID`'s documents; `header` may be changed.
    func upload(
        _ content: [UInt8], to patientID: String, options: CallOptions, chunkSize: Int = 1000, extra: [UInt8] = [],
        change: (inout Clinic_Patients_V1_DocumentUploadHeader) -> Void = { _ in }
    ) async throws -> Clinic_Patients_V1_MedicalDocument {
        var header = Clinic_Patients_V1_DocumentUploadHeader()
        header.patientId = patientID
        var file = Clinic_Common_V1_FileInfo()
        file.fileName = "blood-test.pdf"
        file.mediaType = "application/pdf"
        file.sizeBytes = Int64(content.count)
        file.sha256 = Digest.sha256(content)
        header.file = file
        header.category = .labResult
        change(&header)
        let first = header
        let chunks = stride(from: 0, to: content.count, by: chunkSize).map { Array(content[$0..<min($0 + chunkSize, content.count)]) }
            + (extra.isEmpty ? [] : [extra])
        return try await recordsClient.uploadDocument(options: options) { writer in
            var message = Clinic_Patients_V1_UploadDocumentRequest()
            message.part = .header(first)
            try await writer.write(message)
            for chunk in chunks {
                var part = Clinic_Patients_V1_UploadDocumentRequest()
                part.part = .chunk(chunk)
                try await writer.write(part)
            }
        }
    }

    /// Downloads a document: its metadata and its content.
    func download(_ documentID: String, of patientID: String, options: CallOptions, offset: Int64 = 0, clinicID: String = "")
        async throws -> (Clinic_Patients_V1_MedicalDocument?, [UInt8])
    {
        var request = Clinic_Patients_V1_DownloadDocumentRequest()
        request.patientId = patientID
        request.documentId = documentID
        request.readOffset = offset
        request.clinicId = clinicID
        return try await recordsClient.downloadDocument(request, options: options) { responses in
            var document: Clinic_Patients_V1_MedicalDocument?
            var content: [UInt8] = []
            for try await response in responses {
                switch response.part {
                case .document(let metadata): document = metadata
                case .chunk(let bytes): content += bytes
                case nil: break
                }
            }
            return (document, content)
        }
    }

    /// The files stored under the clinic's document folder.
    func storedFiles(_ clinicID: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: storage.documents.directory + "/" + clinicID))?.sorted() ?? []
    }

    /// The number of document rows of the clinic.
    func documentRows(_ clinicID: String) async throws -> Int {
        let database = try await storage.pool.database(for: TenantID(clinicID))
        return try await database.read { db in try db.scalar("SELECT count(*) FROM documents", as: Int.self) }
    }
}

@Suite("Medical documents")
struct DocumentTests {
    static func content(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } }

    @Test("a document is uploaded in chunks, stored durably on disk with its checksum, and downloaded whole or from an offset")
    func roundTrip() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let patient = try #require(try await harness.register(in: clinic).patient)
            let content = Self.content(10_000)
            let document = try await harness.upload(content, to: patient.id, options: try harness.doctor(clinic))
            #expect(document.state == .available)
            #expect(document.title == "blood-test.pdf")
            #expect(document.file?.sha256 == Digest.sha256(content))
            #expect(document.uploader?.role == .doctor)

            #expect(harness.storedFiles(clinic) == [document.id])
            let path = harness.storage.documents.directory + "/" + clinic + "/" + document.id
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(content))

            let (metadata, downloaded) = try await harness.download(document.id, of: patient.id, options: try harness.admin(clinic))
            #expect(metadata == document)
            #expect(downloaded == content)
            let (_, tail) = try await harness.download(document.id, of: patient.id, options: try harness.admin(clinic), offset: 9_000)
            #expect(tail == Array(content[9_000...]))
            await expectError(.outOfRange, field: "read_offset") {
                _ = try await harness.download(document.id, of: patient.id, options: try harness.admin(clinic), offset: 10_001)
            }

            var list = Clinic_Patients_V1_ListDocumentsRequest()
            list.patientId = patient.id
            #expect(try await harness.recordsClient.listDocuments(list, options: try harness.doctor(clinic)).documents == [document])
        }
    }

    @Test("the media type and the size limit are checked on the header, before any content is read")
    func headerLimits() async throws {
        try await withHarness(maxDocumentBytes: 4096) { harness in
            let clinic = try await harness.createClinic()
            let patient = try #require(try await harness.register(in: clinic).patient)
            let doctor = try harness.doctor(clinic)
            await expectError(.invalidArgument, field: "header.file.size_bytes") {
                _ = try await harness.upload(Self.content(4097), to: patient.id, options: doctor)
            }
            await expectError(.invalidArgument, field: "header.file.media_type") {
                _ = try await harness.upload(Self.content(10), to: patient.id, options: doctor) { $0.file?.mediaType = "application/x-msdownload" }
            }
            await expectError(.invalidArgument, field: "header.file.file_name") {
                _ = try await harness.upload(Self.content(10), to: patient.id, options: doctor) { $0.file?.fileName = "../../etc/passwd" }
            }
            await expectError(.invalidArgument, field: "header.file.sha256") {
                _ = try await harness.upload(Self.content(10), to: patient.id, options: doctor) { $0.file?.sha256 = [1, 2, 3] }
            }
            await expectError(.invalidArgument, field: "header.category") {
                _ = try await harness.upload(Self.content(10), to: patient.id, options: doctor) { $0.category = .unspecified }
            }
            // Parameters of an accepted type are fine; the stored type is normalized.
            let text = try await harness.upload(Self.content(10), to: patient.id, options: doctor) {
                $0.file?.mediaType = "Text/Plain; charset=utf-8"
            }
            #expect(text.file?.mediaType == "text/plain")
            #expect(try await harness.documentRows(clinic) == 1)
        }
    }

    @Test("a size or checksum that does not match fails with data_loss and leaves no row and no file")
    func integrity() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let patient = try #require(try await harness.register(in: clinic).patient)
            let doctor = try harness.doctor(clinic)
            let content = Self.content(3000)
            await expectError(.dataLoss) {
                _ = try await harness.upload(content, to: patient.id, options: doctor) { $0.file?.sizeBytes = 3001 }
            }
            await expectError(.dataLoss) { _ = try await harness.upload(content, to: patient.id, options: doctor, extra: [1]) }
            await expectError(.dataLoss) {
                _ = try await harness.upload(content, to: patient.id, options: doctor) { $0.file?.sha256 = Digest.sha256([0]) }
            }
            #expect(try await harness.documentRows(clinic) == 0)
            #expect(harness.storedFiles(clinic).isEmpty)
            let outcomes = try await harness.auditRows(clinic).map(\.outcome)
            #expect(outcomes == [3, 3, 3])
        }
    }

    @Test("patients upload to and download from their own record; deleted documents are hidden from them")
    func patientsAndDeletion() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let lina = try await harness.linkedPatient("lina@example.org", to: clinic)
            let zoe = try #require(try await harness.register("Zoé", "Blanc", in: clinic).patient)
            let mine = try await harness.upload(Self.content(100), to: lina.patientID, options: lina.options) { $0.clinicId = clinic }
            #expect(mine.uploader?.role == .patient)
            await expectError(.notFound) {
                _ = try await harness.upload(Self.content(100), to: zoe.id, options: lina.options) { $0.clinicId = clinic }
            }
            let (_, content) = try await harness.download(mine.id, of: lina.patientID, options: lina.options, clinicID: clinic)
            #expect(content == Self.content(100))

            var delete = Clinic_Patients_V1_DeleteDocumentRequest()
            delete.patientId = lina.patientID
            delete.documentId = mine.id
            delete.reason = "duplicate"
            await expectError(.permissionDenied) { _ = try await harness.recordsClient.deleteDocument(delete, options: lina.options) }
            let deleted = try await harness.recordsClient.deleteDocument(delete, options: try harness.doctor(clinic))
            #expect(deleted.state == .deleted && deleted.deleteTime != nil)

            await expectError(.notFound) {
                _ = try await harness.download(mine.id, of: lina.patientID, options: lina.options, clinicID: clinic)
            }
            var list = Clinic_Patients_V1_ListDocumentsRequest()
            list.patientId = lina.patientID
            list.clinicId = clinic
            #expect(try await harness.recordsClient.listDocuments(list, options: lina.options).documents.isEmpty)
            list.showDeleted = true
            await expectError(.permissionDenied) { _ = try await harness.recordsClient.listDocuments(list, options: lina.options) }
            list.clinicId = ""
            #expect(try await harness.recordsClient.listDocuments(list, options: try harness.admin(clinic)).documents.map(\.id) == [mine.id])
            // The content is kept for the retention period.
            #expect(harness.storedFiles(clinic) == [mine.id])
        }
    }

    @Test("an upload retried with the same request id returns the first document")
    func idempotentUpload() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let patient = try #require(try await harness.register(in: clinic).patient)
            let key = UUID().uuidString.lowercased()
            let first = try await harness.upload(Self.content(50), to: patient.id, options: try harness.doctor(clinic)) { $0.requestId = key }
            let again = try await harness.upload(Self.content(50), to: patient.id, options: try harness.doctor(clinic)) { $0.requestId = key }
            #expect(again.id == first.id)
            #expect(try await harness.documentRows(clinic) == 1)
        }
    }
}

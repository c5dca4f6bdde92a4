import ClinicAPI
import RPCCore

/// What a medical document may be: its media type from a short allow-list, at most `maxBytes`,
/// and a plain file name. Checked on the upload's header, before any content is read. Pure.
struct DocumentPolicy: Sendable, Hashable {
    /// Largest content accepted (25 MiB, as the API documents).
    var maxBytes: Int64 = 25 * 1024 * 1024
    /// Accepted media types, lower case, without parameters.
    var mediaTypes: Set<String> = ["application/pdf", "image/jpeg", "image/png", "text/plain"]

    /// The production policy.
    static let standard = DocumentPolicy()

    /// The checked header: the media type normalized (lower case, parameters dropped), the size
    /// within the limit, the digest 32 bytes when given, the file name without a path.
    func check(_ file: Clinic_Common_V1_FileInfo?, field: String) throws(RPCError) -> Clinic_Common_V1_FileInfo {
        guard var file else { throw RequestCheck.invalid(field, "is required") }
        let mediaType = file.mediaType.split(separator: ";", maxSplits: 1).first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaTypes.contains(mediaType) else {
            throw RequestCheck.invalid(
                "\(field).media_type", "must be one of \(mediaTypes.sorted().joined(separator: ", "))")
        }
        file.mediaType = mediaType
        guard file.sizeBytes > 0 else { throw RequestCheck.invalid("\(field).size_bytes", "must be at least 1") }
        guard file.sizeBytes <= maxBytes else {
            throw RequestCheck.invalid("\(field).size_bytes", "is over the limit of \(maxBytes) bytes")
        }
        guard file.sha256.isEmpty || file.sha256.count == 32 else {
            throw RequestCheck.invalid("\(field).sha256", "must be 32 bytes (SHA-256) when set")
        }
        let name = file.fileName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, !name.contains("/"), !name.contains("\\"), !name.contains("\u{0}"), name != ".", name != ".."
        else { throw RequestCheck.invalid("\(field).file_name", "must be a file name without a path") }
        file.fileName = name
        return file
    }
}

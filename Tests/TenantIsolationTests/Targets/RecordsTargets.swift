import ClinicAPI
import Foundation

/// Every medical-record method is tenant scoped (and audited in the caller's clinic).
enum RecordsTargets {
    typealias Records = Clinic_Patients_V1_MedicalRecordService.Method

    static let uploadContent = Array("Uploaded by clinic A".utf8)

    static let all: [MethodTarget] = [
        MethodTarget(
            Records.CreateMedicalRecord.descriptor, message: { _ in #"{"record": {"bloodGroup": "A+", "summary": "Created by clinic A"}}"# }),
        MethodTarget(Records.GetMedicalRecord.descriptor, message: { _ in #"{"view": "MEDICAL_RECORD_VIEW_FULL"}"# }),
        MethodTarget(Records.UpdateMedicalRecord.descriptor, message: { _ in #"{"summary": "Overwritten by clinic A"}"# }),
        MethodTarget(
            Records.AddRecordEntry.descriptor,
            [.succeeds([.doctor], in: [.mixed], "adds to the caller's own patient's record; the output-only entry.id is B's and must be ignored")],
            message: { _ in #"{"entry": {"allergy": {"substance": "Injected by clinic A", "criticality": "ALLERGY_CRITICALITY_LOW"}}}"# }),
        MethodTarget(Records.GetRecordEntry.descriptor),
        MethodTarget(
            Records.UpdateRecordEntry.descriptor,
            message: { _ in #"{"entry": {"allergy": {"substance": "Altered by clinic A", "criticality": "ALLERGY_CRITICALITY_LOW"}}}"# }),
        MethodTarget(Records.RetractRecordEntry.descriptor, message: { _ in #"{"reason": "Entered in the wrong record"}"# }),
        MethodTarget(Records.ListRecordEntries.descriptor),
        MethodTarget(
            Records.ListRecordHistory.descriptor,
            [.succeeds([.admin, .doctor, .patient], in: [.mixed], "the caller's own patient's history, filtered by B's entry id: nothing")]),
        MethodTarget(
            Records.UploadDocument.descriptor,
            messages: { _ in
                let sha = Data(Seed.file("a.txt", content: uploadContent).sha256).base64EncodedString()
                return [
                    #"{"header": {"file": {"fileName": "from-a.txt", "mediaType": "text/plain", "sizeBytes": "\#(uploadContent.count)", "sha256": "\#(sha)"}, "category": "DOCUMENT_CATEGORY_REPORT", "title": "Uploaded by clinic A"}}"#,
                    #"{"chunk": "\#(Data(uploadContent).base64EncodedString())"}"#,
                ]
            }),
        MethodTarget(Records.GetDocument.descriptor),
        MethodTarget(Records.DownloadDocument.descriptor),
        MethodTarget(Records.ListDocuments.descriptor),
        MethodTarget(Records.DeleteDocument.descriptor, message: { _ in #"{"reason": "Removed by clinic A"}"# }),
        MethodTarget(
            Records.ListAuditEvents.descriptor,
            [.succeeds([.admin, .patient], in: [.own, .mixed], rule: .idsEchoed,
                       "the caller's own clinic's log (a patient: their own lines), filtered by B's ids; it holds the caller's own refused attempts, which name B's ids")]),
    ]
}

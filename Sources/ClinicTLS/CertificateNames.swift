internal import COpenSSL

/// Reads the names of an X509 certificate (subject CN and subject alternative names).
enum CertificateNames {
    /// The identity a certificate claims; `certificate` is borrowed, not freed.
    static func identity(of certificate: OpaquePointer) -> TLSPeerIdentity {
        var identity = TLSPeerIdentity(commonName: commonName(of: certificate))
        guard let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else { return identity }
        let names = OpaquePointer(raw)
        defer { copenssl_general_names_free(names) }
        for index in 0..<copenssl_sk_general_name_num(names) {
            guard let name = copenssl_sk_general_name_value(names, index) else { continue }
            var type: Int32 = 0
            guard let string = copenssl_general_name_string(name, &type) else { continue }
            let bytes = self.bytes(of: string)
            switch type {
            case GEN_DNS:
                identity.dnsNames.append(String(decoding: bytes, as: UTF8.self))
            case GEN_URI:
                identity.uris.append(String(decoding: bytes, as: UTF8.self))
            case GEN_IPADD:
                if let address = ipAddressText(bytes) { identity.ipAddresses.append(address) }
            default:
                break
            }
        }
        return identity
    }

    private static func commonName(of certificate: OpaquePointer) -> String? {
        guard let subject = X509_get_subject_name(certificate) else { return nil }
        let index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(subject, index),
            let data = X509_NAME_ENTRY_get_data(entry)
        else { return nil }
        var utf8: UnsafeMutablePointer<UInt8>? = nil
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard length >= 0, let utf8 else { return nil }
        defer { copenssl_free(utf8) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    private static func bytes(of string: UnsafePointer<ASN1_STRING>) -> [UInt8] {
        let length = Int(ASN1_STRING_length(string))
        guard length > 0, let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }

    /// `127.0.0.1` for 4 bytes; eight colon-separated hex groups for 16 bytes.
    static func ipAddressText(_ bytes: [UInt8]) -> String? {
        switch bytes.count {
        case 4:
            return bytes.map(String.init).joined(separator: ".")
        case 16:
            return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        default:
            return nil
        }
    }
}

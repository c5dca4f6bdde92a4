@testable import CodegenCore
import Testing

@Suite("Names match protoc-c and read well in Swift")
struct NamingTests {
    @Test("C names follow protoc-c 1.4.1", arguments: [
        ("clinic.foo_bar.v1.HTTPThing", "Clinic__FooBar__V1__HTTPThing", "clinic__foo_bar__v1__httpthing"),
        ("clinic.auth.v1.LoginRequest.Inner_x", "Clinic__Auth__V1__LoginRequest__InnerX", "clinic__auth__v1__login_request__inner_x"),
        ("google.protobuf.Timestamp", "Google__Protobuf__Timestamp", "google__protobuf__timestamp"),
    ])
    func cNames(fullName: String, type: String, lower: String) {
        #expect(Naming.cTypeName(fullName: fullName) == type)
        #expect(Naming.cLowerName(fullName: fullName) == lower)
    }

    @Test("C field members are lower-cased and keywords get an underscore")
    func cFieldNames() {
        #expect(Naming.cFieldName("FieldName3") == "fieldname3")
        #expect(Naming.cFieldName("default") == "default_")
        #expect(Naming.cFieldName("birth_date") == "birth_date")
    }

    @Test("Swift names")
    func swiftNames() {
        #expect(Naming.swiftPrefix(package: "clinic.auth.v1") == "Clinic_Auth_V1_")
        #expect(Naming.lowerCamel("birth_date") == "birthDate")
        #expect(Naming.lowerCamel("__field_name13") == "fieldName13")
        #expect(Naming.enumCaseName(value: "ROLE_SUPER_ADMIN", enumName: "Role") == "superAdmin")
        #expect(Naming.enumCaseName(value: "APPOINTMENT_STATUS_NOSHOW", enumName: "AppointmentStatus") == "noshow")
        #expect(Naming.enumCaseName(value: "FOO", enumName: "NestedEnum") == "foo")
        #expect(Naming.escaped("default") == "`default`")
    }
}

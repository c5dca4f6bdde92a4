import Testing
@testable import ProtoRuntime
import ConformanceProtos
import WellKnownTypes

@Suite struct JSONSmokeTests {
    @Test func roundTrip() throws {
        let message = ProtobufTestMessages_Proto3_TestAllTypesProto3()
        let json = try message.jsonString()
        print(json)
        let back = try ProtobufTestMessages_Proto3_TestAllTypesProto3(jsonString: json)
        #expect(back == message)
    }
}

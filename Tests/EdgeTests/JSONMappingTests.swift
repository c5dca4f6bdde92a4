import Foundation
import Testing

/// The proto3 JSON mapping through the edge, both ways, for every field kind (the conformance
/// suite's TestAllTypesProto3 behind a catalog entry of its own).
@Suite struct JSONMappingTests {
    static let everyKind = #"""
    {"optionalInt32": -7, "optionalInt64": "-9007199254740993", "optionalUint32": 4294967295,
     "optionalUint64": "18446744073709551615", "optionalSint32": -3, "optionalSint64": "-4",
     "optionalFixed32": 5, "optionalFixed64": "6", "optionalSfixed32": -8, "optionalSfixed64": "-9",
     "optionalFloat": 1.5, "optionalDouble": -2.25, "optionalBool": true, "optionalString": "héllo \"quoted\"\n",
     "optionalBytes": "AQID/w==", "optionalNestedMessage": {"a": 17}, "optionalNestedEnum": "BAR",
     "optionalForeignEnum": "FOREIGN_BAZ",
     "repeatedInt32": [1, 2, 3], "repeatedInt64": ["10", "-20"], "repeatedString": ["a", "b"],
     "repeatedBytes": ["AA=="], "repeatedNestedMessage": [{"a": 1}, {"a": 2}], "repeatedNestedEnum": ["FOO", "BAZ"],
     "mapStringString": {"k": "v"}, "mapInt32Int32": {"-1": 2}, "mapBoolBool": {"true": false},
     "mapStringNestedMessage": {"m": {"a": 3}},
     "oneofString": "chosen",
     "optionalBoolWrapper": false, "optionalInt64Wrapper": "5", "optionalStringWrapper": "",
     "optionalDuration": "1.500s", "optionalTimestamp": "2024-02-29T12:30:00Z",
     "optionalFieldMask": "optionalInt32,optionalString",
     "optionalStruct": {"x": [1, "two", null, {"y": true}]}, "optionalValue": 3.5,
     "optionalAny": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "2s"}}
    """#

    @Test func everyFieldKindRoundTripsThroughTheEdge() async throws {
        try await withEdge { edge in
            let response = try await edge.send(.POST, "/v1/echo", json: Self.everyKind)
            #expect(response.status == 200, "\(response.text)")
            let request = try #require(edge.log.last("Echo", as: TestAllTypes.self))
            #expect(request.optionalInt64 == -9_007_199_254_740_993)
            #expect(request.optionalUint64 == UInt64.max)
            #expect(request.optionalBytes == [1, 2, 3, 255])
            #expect(request.optionalString == "héllo \"quoted\"\n")
            #expect(request.optionalNestedMessage?.a == 17)
            #expect(request.repeatedNestedMessage.map(\.a) == [1, 2])
            #expect(request.mapInt32Int32 == [-1: 2])
            #expect(request.optionalBoolWrapper?.value == false)
            #expect(request.optionalDuration?.seconds == 1 && request.optionalDuration?.nanos == 500_000_000)
            let sent = try JSONSerialization.jsonObject(with: Data(Self.everyKind.utf8)) as? NSDictionary
            let echoed = try JSONSerialization.jsonObject(with: Data(response.body)) as? NSDictionary
            #expect(echoed == sent)
        }
    }

    @Test func protoFieldNamesAreAcceptedAndJSONNamesWritten() async throws {
        try await withEdge { edge in
            let response = try await edge.send(.POST, "/v1/echo", json: #"{"optional_int32": 4, "repeated_string": ["x"]}"#)
            #expect(response.status == 200)
            #expect(response.text == #"{"optionalInt32":4,"repeatedString":["x"]}"#)
        }
    }

    @Test func defaultValuesAreOmittedUnlessConfigured() async throws {
        try await withEdge { edge in
            let response = try await edge.send(.POST, "/v1/echo", json: #"{"optionalInt32": 0, "optionalString": ""}"#)
            #expect(response.text == "{}")
        }
        try await withEdge(configuration: testConfiguration { $0.emitDefaultValues = true }) { edge in
            let response = try await edge.send(.POST, "/v1/echo", json: "{}")
            #expect(response.json["optionalInt32"] as? Int == 0)
            #expect(response.json["optionalString"] as? String == "")
            #expect(response.json["repeatedInt32"] as? [Int] == [])
        }
    }

    @Test func queryParametersOfEveryScalarKind() async throws {
        try await withEdge { edge in
            let query = [
                "optionalInt32=-5", "optionalInt64=9223372036854775807", "optionalUint64=18446744073709551615",
                "optionalFloat=0.5", "optionalDouble=NaN", "optionalBool=true", "optionalString=a+b%26c",
                "optionalBytes=AQI%3D", "optionalNestedEnum=BAZ", "optionalForeignEnum=1",
                "repeatedInt32=1", "repeatedInt32=2", "repeatedString=x", "repeatedNestedEnum=FOO", "repeatedNestedEnum=BAR",
                "optionalNestedMessage.a=9", "optional_int64_wrapper=12", "optionalBoolWrapper=false",
                "optionalTimestamp=2024-01-01T00:00:00Z", "optionalDuration=3s",
            ].joined(separator: "&")
            let response = try await edge.send(.GET, "/v1/echo?\(query)")
            #expect(response.status == 200, "\(response.text)")
            let request = try #require(edge.log.last("EchoQuery", as: TestAllTypes.self))
            #expect(request.optionalInt32 == -5)
            #expect(request.optionalInt64 == .max)
            #expect(request.optionalUint64 == .max)
            #expect(request.optionalFloat == 0.5)
            #expect(request.optionalDouble.isNaN)
            #expect(request.optionalBool)
            #expect(request.optionalString == "a b&c")
            #expect(request.optionalBytes == [1, 2])
            #expect(request.optionalNestedEnum == .baz)
            #expect(request.optionalForeignEnum == .foreignBar)
            #expect(request.repeatedInt32 == [1, 2])
            #expect(request.repeatedNestedEnum == [.foo, .bar])
            #expect(request.optionalNestedMessage?.a == 9)
            #expect(request.optionalInt64Wrapper?.value == 12)
            #expect(request.optionalBoolWrapper?.value == false)
            #expect(request.optionalTimestamp?.seconds == 1_704_067_200)
            #expect(request.optionalDuration?.seconds == 3)
        }
    }
}

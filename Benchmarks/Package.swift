// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so the main build never pulls swift-protobuf.
// Run them with `bash Benchmarks/run.sh codec` (release build, one process, side by side).
let package = Package(
    name: "clinic-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The platform itself; named so the product reference does not depend on the folder name.
        .package(name: "clinic", path: ".."),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        // The RPC benchmark: grpc-swift-2 over HTTP/2 + NIOSSL, side by side with our runtime.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
    ],
    targets: [
        // protoc-c output for ../shared/bench/appointment.proto, our descriptor accessors, and the
        // raw protobuf-c loops (the floor). Named apart from the root package's C modules.
        .target(
            name: "CBenchProtos",
            linkerSettings: [.linkedLibrary("protobuf-c")]
        ),
        // The same proto through our generator: the wrapper under test.
        .target(
            name: "BenchProtos",
            dependencies: [.product(name: "ProtoRuntime", package: "clinic"), "CBenchProtos"]
        ),
        // The same proto through protoc-gen-swift 1.39 (generated once, committed).
        .target(
            name: "SwiftProtobufProtos",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .executableTarget(
            name: "CodecBenchmark",
            dependencies: [
                "BenchProtos", "SwiftProtobufProtos", "CBenchProtos",
                .product(name: "ProtoRuntime", package: "clinic"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // RPC benchmark (`bash Benchmarks/run.sh rpc`): protoc-c output for ../shared/bench/echo.proto
        // and our descriptor accessors.
        .target(
            name: "CBenchEcho",
            linkerSettings: [.linkedLibrary("protobuf-c")]
        ),
        // echo.proto through our generator: messages, service protocol, typed client.
        .target(
            name: "BenchEcho",
            dependencies: [
                "CBenchEcho",
                .product(name: "ProtoRuntime", package: "clinic"),
                .product(name: "RPCRuntime", package: "clinic"),
            ]
        ),
        // echo.proto through protoc-gen-swift 1.39 and protoc-gen-grpc-swift-2 2.4.1 (generated once, committed).
        .target(
            name: "GRPCEcho",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ]
        ),
        // The floor: a plain OpenSSL TLS 1.3 ping-pong over loopback sockets, in C.
        .target(
            name: "CRawTLS",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        .executableTarget(
            name: "RPCBenchmark",
            dependencies: [
                "BenchEcho", "GRPCEcho", "CRawTLS",
                .product(name: "ProtoRuntime", package: "clinic"),
                .product(name: "RPCRuntime", package: "clinic"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // Edge and scale benchmarks (`bash Benchmarks/run.sh edge|scale`) against a running
        // `clinic up`: wrk through the edge, the typed client over mTLS, the scale check's seeding.
        .executableTarget(
            name: "PlatformBenchmark",
            dependencies: [
                .product(name: "ClinicAPI", package: "clinic"),
                .product(name: "ProtoRuntime", package: "clinic"),
                .product(name: "RPCRuntime", package: "clinic"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where !["CBenchProtos", "CBenchEcho", "CRawTLS"].contains(target.name) {
    target.swiftSettings = [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}

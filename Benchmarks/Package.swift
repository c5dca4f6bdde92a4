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
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.name != "CBenchProtos" {
    target.swiftSettings = [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}

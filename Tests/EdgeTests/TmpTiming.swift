import Foundation
import Testing
@testable import Edge

@Test func tmpTiming() throws {
    let compiled = try RouteCompiler.compile(services: EdgeServer.defaultServices, configuration: testConfiguration(), callers: { _ in UnusedCaller() })
    for _ in 0..<3 {
        var start = ContinuousClock.now
        let builder = OpenAPIBuilder(routes: compiled.routes)
        print("TIMING index", ContinuousClock.now - start)
        start = ContinuousClock.now
        let node = builder.document()
        print("TIMING build", ContinuousClock.now - start)
        start = ContinuousClock.now
        _ = node.utf8
        print("TIMING write", ContinuousClock.now - start)
    }
}

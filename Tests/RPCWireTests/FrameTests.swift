import Testing
@testable import RPCWire

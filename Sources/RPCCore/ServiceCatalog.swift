public import ProtoRuntime

/// A service's methods with their message types, for code that picks a method at run time: the
/// JSON edge, `clinic call`, the role-matrix test. Generated per service as `<Service>.catalog`;
/// a module's generated `…Catalog.services` lists them all.
public struct ServiceCatalog: Sendable {
    /// The service.
    public let descriptor: ServiceDescriptor
    /// Its methods, in declaration order.
    public let methods: [MethodCatalogEntry]

    public init(descriptor: ServiceDescriptor, methods: [MethodCatalogEntry]) {
        self.descriptor = descriptor
        self.methods = methods
    }
}

/// One method: its descriptor (shape, policy, route) and its request and response types.
public struct MethodCatalogEntry: Sendable {
    public let descriptor: MethodDescriptor
    /// The request message type.
    public let input: any ProtoMessage.Type
    /// The response message type.
    public let output: any ProtoMessage.Type

    public init(_ descriptor: MethodDescriptor, input: any ProtoMessage.Type, output: any ProtoMessage.Type) {
        self.descriptor = descriptor
        self.input = input
        self.output = output
    }
}

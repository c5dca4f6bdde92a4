import ClinicAPI
import ProtoRuntime
import RPCCore

/// Turns the generated catalogs into the route table, once at start-up: every method that is
/// not `internal` gets its `/rpc/` route and, when its options declare one, its resource route.
enum RouteCompiler {
    struct Compiled {
        let routes: RouteTable
        /// Every request and response type (for the JSON type registry).
        let messageTypes: [MessageDescriptor]
    }

    static func compile(
        services: [ServiceCatalog], configuration: EdgeConfiguration, callers: (ServiceDescriptor) -> any RPCCaller
    ) throws(EdgeSetupError) -> Compiled {
        var targets: [MethodTarget] = []
        var resources: [ResourceRoute] = []
        var types: [MessageDescriptor] = [Clinic_Rpc_V1_BadRequest.protoDescriptor, Clinic_Rpc_V1_Status.protoDescriptor]
        for service in services {
            let caller = callers(service.descriptor)
            for entry in service.methods where !entry.descriptor.policy.isInternal {
                let method = entry.descriptor
                let target = MethodTarget(
                    method: method, input: entry.input.protoDescriptor, output: entry.output.protoDescriptor, inputType: entry.input, caller: caller,
                    isRateLimited: configuration.rateLimitedMethods.contains(method.fullName))
                targets.append(target)
                types += [target.input, target.output]
                guard let http = method.http, method.kind != .bidirectionalStreaming else { continue }
                let template = try PathTemplate(http.path)
                let binding = try RequestBinding(route: http, template: template, input: target.input)
                resources.append(ResourceRoute(httpMethod: http.method.uppercased(), template: template, binding: binding, target: target))
            }
        }
        // The detail types services send (ErrorInfo, RetryInfo, ...) live in clinic.rpc.v1 too.
        types += [
            Clinic_Rpc_V1_ErrorInfo.protoDescriptor, Clinic_Rpc_V1_RetryInfo.protoDescriptor,
            Clinic_Rpc_V1_QuotaFailure.protoDescriptor, Clinic_Rpc_V1_PreconditionFailure.protoDescriptor,
            Clinic_Rpc_V1_RequestInfo.protoDescriptor, Clinic_Rpc_V1_ResourceInfo.protoDescriptor,
            Clinic_Rpc_V1_LocalizedMessage.protoDescriptor,
        ]
        return Compiled(routes: try RouteTable(targets: targets, resources: resources), messageTypes: types)
    }
}

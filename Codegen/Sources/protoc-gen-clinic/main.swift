import CodegenCore
import Foundation

// protoc plugin protocol: a CodeGeneratorRequest on stdin, a CodeGeneratorResponse on stdout.
let input = FileHandle.standardInput.readDataToEndOfFile()
let response: [UInt8]
do {
    let files = try Generator().generate(request: Array(input))
    response = PluginResponse.encode(files: files)
} catch {
    response = PluginResponse.encode(error: error.description)
}
FileHandle.standardOutput.write(Data(response))

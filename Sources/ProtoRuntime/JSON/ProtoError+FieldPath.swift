extension ProtoError {
    /// The same error with `component` prepended to its field path (`items[2].name`), added while
    /// the error unwinds so the success path builds no paths.
    func nested(under component: String) -> ProtoError {
        var copy = self
        if let path = fieldPath {
            copy.fieldPath = path.hasPrefix("[") ? component + path : component + "." + path
        } else {
            copy.fieldPath = component
        }
        return copy
    }
}

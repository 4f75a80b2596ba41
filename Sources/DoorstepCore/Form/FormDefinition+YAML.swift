extension FormDefinition {
    /// Parses and checks a YAML form; throws FormError listing every fault.
    ///
    /// The language is described in `docs/forms.md`. Every fault is collected before throwing:
    /// YAML shape, missing `id` or `version`, unknown keys and types, duplicate names, unknown
    /// choice lists, bad expressions, references to unknown questions, cycles among calculations.
    /// - Parameter yaml: The form's source text.
    /// - Returns: The form, groups flattened: each question names its innermost group.
    /// - Throws: ``FormError`` with one sentence per fault.
    public static func parse(yaml: String) throws(FormError) -> FormDefinition {
        var reader = FormReader()
        let form = reader.read(yaml)
        var faults = reader.faults
        if let form {
            var checker = FormChecker(form)
            faults += checker.check()
        }
        guard let form, faults.isEmpty else { throw FormError(faults: faults) }
        return form
    }
}

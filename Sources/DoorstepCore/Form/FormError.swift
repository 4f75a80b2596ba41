/// Why a YAML form was refused: every fault found, one sentence each, naming the question.
///
/// ``FormDefinition/parse(yaml:)`` collects all faults before throwing, so an author can fix them
/// in one pass. `doorstep forms check` prints them and exits 65.
public struct FormError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The faults, in the order they appear in the form.
    public var faults: [String]

    /// Creates an error from its faults.
    public init(faults: [String]) {
        self.faults = faults
    }

    /// The faults, one per line.
    public var description: String {
        faults.joined(separator: "\n")
    }
}

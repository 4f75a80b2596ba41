public import Foundation

extension UUID {
    /// The id as Doorstep prints it everywhere (commands, `--json`, exports): lower-case hex, as
    /// RFC 4122 asks (<https://www.rfc-editor.org/rfc/rfc4122#section-3>). Ids are read in any case.
    public var lowercasedString: String {
        uuidString.lowercased()
    }
}

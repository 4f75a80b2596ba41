import DoorstepTestSupport
import Foundation
import Testing

@testable import DoorstepCore

@Suite struct SampleFormTests {
    static let files = ["community-safety.yaml", "safe-and-well.yaml", "women-girls-safety.yaml"]

    @Test(arguments: files) func sampleFormParses(file: String) throws {
        let source = try String(contentsOf: BuiltProducts.sampleForm(file), encoding: .utf8)
        do {
            _ = try FormDefinition.parse(yaml: source)
        } catch {
            Issue.record("\(file): \(error.faults)")
        }
    }
}

import DoorstepTestSupport
import Foundation
import Testing

/// `doorstep-server forms publish` takes an XLSForm workbook as it takes a YAML form.
@Suite("doorstep-server forms publish with an XLSForm")
struct XLSFormPublishTests {
    @Test("A workbook is published as the YAML it converts to; one Doorstep cannot use is refused (65) naming its place")
    func publishWorkbook() throws {
        let data = try TemporaryDirectory("xlsform-publish")
        defer { data.remove() }
        let survey = [["type", "name", "label"], ["select_one yes_no", "consent", "May we ask?"]]
        let choices = [["list_name", "name", "label"], ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"]]
        let settings = [["form_id", "version"], ["door", "3"]]
        let good = data.appending("door.xlsx")
        try TestWorkbook(plain: [("survey", survey), ("choices", choices), ("settings", settings)]).xlsx().write(to: good)

        #expect(try Deployment.admin(["forms", "publish", "--data", data.path, good.path]) == "Published form door version 3.\n")
        #expect(try Deployment.admin(["forms", "publish", "--data", data.path, good.path]) == "Form door version 3 was already published.\n")
        #expect(try Deployment.admin(["forms", "list", "--data", data.path]).contains("door  3"))

        let bad = data.appending("geo.xlsx")
        try TestWorkbook(plain: [("survey", survey + [["geopoint", "where", "Where?"]]), ("choices", choices), ("settings", settings)]).xlsx().write(to: bad)
        let refused = try ProcessRunner.server(["forms", "publish", "--data", data.path, bad.path])
        #expect(refused.status == 65)
        #expect(refused.stderr == "doorstep-server: survey sheet, row 3, column A (type): Doorstep records no locations (geopoint); the walk list says where each door is.\n")
    }
}

public import Foundation

/// XLSForm workbooks (`.xlsx`, the format ODK, KoboToolbox and SurveyCTO read) turned into
/// Doorstep's form YAML, which `doorstep forms import` writes and `forms check`, `forms show`,
/// `forms add` and `doorstep-server forms publish` read in place of a YAML file.
///
/// The `survey`, `choices` and `settings` sheets, and Doorstep's own `follow_ups` sheet, are read
/// as `docs/forms.md` ("Already have an XLSForm?") describes; whatever Doorstep cannot do is refused with its sheet, row and column.
public enum XLSForm {
    /// Whether `path` names a workbook (ends in `.xlsx`, in any case) rather than a YAML form.
    public static func isWorkbook(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".xlsx")
    }

    /// Doorstep YAML for the XLSForm workbook in `data`, starting with a comment naming the file,
    /// so a workbook added or published gives the same source as the YAML imported from it.
    ///
    /// The YAML is not checked as a form: pass it to `FormDefinition.parse(yaml:)`, which names
    /// every fault by question.
    /// - Parameters:
    ///   - data: The bytes of an `.xlsx` file.
    ///   - fileName: The workbook's file name, whose stem is the form's id when the settings
    ///     sheet has no `form_id` (as pyxform does).
    /// - Returns: The form's YAML text.
    /// - Throws: ``XLSFormError`` naming the sheet, row and column of the first thing Doorstep
    ///   cannot do, or why the file is not a workbook.
    public static func yaml(xlsx data: Data, fileName: String) throws(XLSFormError) -> String {
        let stem = (fileName as NSString).deletingPathExtension
        let id = (stem as NSString).lastPathComponent
        let yaml = try XLSFormConverter(Workbook(xlsx: data), fallbackID: id).yaml()
        return "# Imported from \((fileName as NSString).lastPathComponent) by doorstep forms import.\n" + yaml
    }
}

/// The report's one stylesheet, inline: system fonts only, dark text on white (contrast well
/// above 4.5:1), and print rules for A4.
enum ReportStyle {
    static let css = """
    :root { color-scheme: light; }
    * { box-sizing: border-box; }
    body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
      color: #1a1a1a; background: #ffffff; margin: 0 auto; max-width: 840px; padding: 28px 24px 48px;
      line-height: 1.45; font-size: 15px; }
    header { border-bottom: 3px solid #1d5a8a; padding-bottom: 10px; margin-bottom: 18px; }
    h1 { font-size: 26px; line-height: 1.2; margin: 0 0 6px; }
    h2 { font-size: 20px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #9aa7b4; }
    h3 { font-size: 16px; line-height: 1.3; margin: 0 0 2px; }
    p { margin: 6px 0; }
    .meta { color: #3d3d3d; font-size: 14px; }
    .notice { border-left: 5px solid #8a5a00; background: #fbf3e2; padding: 10px 14px; margin: 14px 0; }
    .findings ul { margin: 8px 0 4px; padding-left: 22px; font-size: 16px; line-height: 1.45; }
    .findings li { margin: 4px 0; }
    .notice strong { display: block; }
    .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(148px, 1fr)); gap: 10px; margin: 12px 0 8px;
      padding: 0; }
    .figure { border: 1px solid #b9c4ce; border-radius: 6px; padding: 8px 12px; margin: 0; break-inside: avoid; }
    .figure dt { font-size: 13px; color: #333333; }
    .figure dd { margin: 0; font-size: 24px; font-weight: 700; line-height: 1.2; }
    .figure dd .sub { display: block; font-size: 12px; font-weight: 400; color: #3d3d3d; }
    .figure.alert { border-color: #a01c1c; }
    .figure.alert dd { color: #a01c1c; }
    svg.chart { display: block; width: 100%; max-width: 680px; height: auto; margin: 8px 0 4px; overflow: visible; }
    svg.chart text { font-family: inherit; }
    table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0 18px; }
    caption { text-align: left; font-weight: 600; padding: 2px 0 6px; }
    th, td { border-bottom: 1px solid #d3d9df; padding: 4px 6px; text-align: right; vertical-align: top; }
    th:first-child, td:first-child { text-align: left; }
    thead th { border-bottom: 2px solid #5d6975; font-weight: 600; }
    tbody th { font-weight: 400; min-width: 8em; }
    .hidden-value { font-style: italic; color: #4a4a4a; }
    .pct { color: #3d3d3d; }
    .up { color: #14532d; }
    .down { color: #8a1c1c; }
    .empty { font-style: italic; color: #3d3d3d; }
    section.block { margin: 14px 0 24px; break-inside: avoid; page-break-inside: avoid; }
    section.question { margin: 18px 0 28px; }
    .summary { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 4px 0; padding: 0; font-size: 14px; }
    .summary div { display: flex; gap: 6px; }
    .summary dt { color: #3d3d3d; }
    .summary dd { margin: 0; font-weight: 600; }
    footer { margin-top: 40px; font-size: 13px; color: #333333; border-top: 1px solid #9aa7b4; padding-top: 8px; }
    footer dt { font-weight: 600; margin-top: 6px; }
    footer dd { margin: 0 0 0 0; }
    @page { size: A4; margin: 14mm 12mm 16mm; }
    @media print {
      body { max-width: none; padding: 0; font-size: 10.5pt; }
      header { margin-bottom: 10px; }
      h2 { break-before: page; page-break-before: always; margin-top: 0; }
      h2.keep { break-before: auto; page-break-before: auto; }
      h2, h3 { break-after: avoid; page-break-after: avoid; }
      .figures { grid-template-columns: repeat(4, 1fr); }
      .notice { background: #ffffff; }
      table { break-inside: avoid; page-break-inside: avoid; font-size: 9pt; }
      tr { break-inside: avoid; page-break-inside: avoid; }
      thead { display: table-header-group; }
      svg.chart { max-width: 100%; }
    }
    """
}

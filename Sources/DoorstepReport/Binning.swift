import DoorstepCore
import Foundation

/// Columns of a distribution chart from value counts: one per value while there are few, equal
/// ranges of values when there are many.
enum Binning {
    /// More distinct numbers than this are grouped into ``rangeCount`` ranges.
    static let maxColumns = 20
    static let rangeCount = 10

    /// The columns for one or more series of buckets (one per campaign), matched by value.
    /// - Parameters:
    ///   - series: Each series' buckets.
    ///   - bases: Each series' answered count, the base of its percentages (`nil` when hidden).
    ///   - numeric: The bucket names are numbers (ordered and grouped as numbers) rather than months.
    static func columns(_ series: [[BucketCount]], bases: [Int?], numeric: Bool) -> [ColumnChart.Column] {
        var names: [String] = []
        for buckets in series {
            for bucket in buckets where !names.contains(bucket.name) { names.append(bucket.name) }
        }
        let lookup = series.map { buckets in Dictionary(buckets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }) }
        if numeric {
            names.sort { (Double($0) ?? 0) < (Double($1) ?? 0) }
        } else {
            names.sort()
        }
        guard numeric, names.count > maxColumns,
              let low = names.first.flatMap(Double.init), let high = names.last.flatMap(Double.init), high > low
        else {
            return names.map { name in
                ColumnChart.Column(label: name, figures: lookup.map { Figure($0[name]) })
            }
        }
        let values = names.compactMap(Double.init)
        let whole = values.allSatisfy { $0 == $0.rounded() }
        let step = whole ? ((high - low + 1) / Double(rangeCount)).rounded(.up) : (high - low) / Double(rangeCount)
        var columns: [ColumnChart.Column] = []
        var start = low
        while start <= high {
            let end = start + step
            let last = end > high || (!whole && columns.count == rangeCount - 1)
            let members = names.filter { name in
                guard let value = Double(name) else { return false }
                return value >= start && (value < end || (last && value <= high))
            }
            let label = whole
                ? (step == 1 ? HTML.decimal(start) : "\(HTML.decimal(start))\u{2013}\(HTML.decimal(end - 1))")
                : "\(HTML.decimal(start))\u{2013}\(HTML.decimal(last ? high : end))"
            let figures = zip(lookup, bases).map { buckets, base -> Figure in
                var total = 0
                for name in members {
                    guard let bucket = buckets[name] else { continue }
                    guard let count = bucket.count else { return Figure(count: nil) }
                    total += count
                }
                let percent = base.flatMap { $0 > 0 ? (Double(total) * 1000 / Double($0)).rounded() / 10 : nil }
                return Figure(count: total, percent: percent)
            }
            columns.append(ColumnChart.Column(label: label, figures: figures))
            if last { break }
            start = end
        }
        return columns
    }
}

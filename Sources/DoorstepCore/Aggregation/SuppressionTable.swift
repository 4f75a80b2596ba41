/// Counts to publish, the sums a reader knows they make, and which counts must be hidden so that
/// no hidden one can be worked out; ``solve()`` decides.
///
/// A cell is a count. Published cells are figures of the aggregates; a *remainder* is a count
/// that is never published but that a reader could work out by subtraction (the responses of a
/// street's doors that lie outside every area, say), protected like a hidden cell when small.
/// An ``Equation`` says that some cells add up to others (a campaign's count is its streets'
/// counts; a question's choices add up to its answered count).
struct SuppressionTable {
    /// Cells a reader knows add up: `Σ totals = Σ parts`, up to a constant the reader knows.
    struct Equation {
        /// The whole (one cell, or several areas together); empty when it is a known constant.
        var totals: [Int]
        /// The cells that add up to it, remainder included.
        var parts: [Int]
        /// The parts are breakdowns (streets or areas) of the totals: a part that must be hidden
        /// because a sibling is hidden as a whole is hidden as a whole too (``wholes``).
        var acrossBreakdowns: Bool

        /// Every cell, totals first.
        var cells: [Int] { totals + parts }
    }

    /// Counts from 1 to `threshold - 1` are hidden.
    let threshold: Int
    private(set) var values: [Int] = []
    private(set) var hidden: [Bool] = []
    /// `false` for remainders: never shown, so never a cell to hide.
    private var published: [Bool] = []
    /// The value viewers were last shown of each cell, if any.
    private var baseline: [Int?] = []
    /// The cell that hides a breakdown as a whole (its response count), for a breakdown's cells.
    private var wholes: [Int: Int] = [:]
    private var equations: [Equation] = []
    private var implications: [Int: [Int]] = [:]
    /// Cells hidden as too small, or as a whole breakdown: they hide what they imply.
    private var hiddenWholly: Set<Int> = []

    init(threshold: Int) {
        self.threshold = max(1, threshold)
    }

    /// Adds a published cell; a `nil` value is hidden already.
    /// - Parameters:
    ///   - value: The count.
    ///   - baseline: The value viewers were last shown of this figure, if any.
    ///   - whole: For a breakdown's cell, the cell that hides the breakdown as a whole.
    mutating func add(_ value: Int?, baseline: Int? = nil, whole: Int? = nil) -> Int {
        values.append(value ?? 0)
        hidden.append(value == nil)
        published.append(true)
        self.baseline.append(baseline)
        if let whole { wholes[values.count - 1] = whole }
        return values.count - 1
    }

    /// Makes `whole` the cell that hides `cell`'s breakdown as a whole.
    mutating func setWhole(_ whole: Int, of cell: Int) {
        wholes[cell] = whole
    }

    /// When `cell` is hidden as too small (or as a whole breakdown keeping a hidden one company),
    /// `others` are hidden too; hidden for another reason, it hides itself only.
    mutating func imply(_ cell: Int, _ others: [Int]) {
        implications[cell, default: []].append(contentsOf: others)
    }

    /// Records that `totals`, plus `known` (a figure always shown), add up to `parts`.
    ///
    /// `exact` says that a reader can tell the sum holds exactly: the doors on the list and the
    /// doors knocked add up the same way, so nothing is counted outside the parts. Otherwise the
    /// difference (a street's doors in another area, say) is a count the reader does not see: it
    /// is added as a cell that is never shown, to be kept from being worked out when it is small.
    mutating func equation(
        totals: [Int], parts: [Int], known: Int = 0, exact: Bool = true, acrossBreakdowns: Bool = false
    ) {
        guard totals.count + parts.count > 1 else { return }
        let difference = totals.reduce(known) { $0 + values[$1] } - parts.reduce(0) { $0 + values[$1] }
        var parts = parts
        if !exact || difference != 0 {
            values.append(abs(difference))
            hidden.append(true)
            published.append(false)
            baseline.append(nil)
            parts.append(values.count - 1)
        }
        equations.append(Equation(totals: totals, parts: parts, acrossBreakdowns: acrossBreakdowns))
    }

    /// Decides what is hidden.
    ///
    /// 1. **Primary**: every count from 1 to `threshold - 1`, and every count that changed by 1 to
    ///    `threshold - 1` since viewers last saw it (the change would tell what a few residents said).
    /// 2. What cells hidden as too small imply (a breakdown's cells with its response count).
    /// 3. **Secondary**, until nothing changes: in every equation whose totals are shown, the hidden
    ///    parts must be none, or two or more adding up to `threshold` or more (so their sum does
    ///    not pin a small count); and no hidden count other than 0 may be determined by the shown
    ///    cells and the equations (``determinedCells()``). Each time, the smallest shown count
    ///    that breaks the link is hidden (a whole breakdown when the hidden one is a whole breakdown).
    mutating func solve() {
        for cell in values.indices where published[cell] {
            if isSmall(values[cell]) {
                hidden[cell] = true
                hiddenWholly.insert(cell)
            }
            if let shown = baseline[cell], isSmall(abs(values[cell] - shown)) { hidden[cell] = true }
        }
        // Each pass hides at least one more cell, so there are at most as many passes as cells.
        for _ in 0...values.count {
            var changed = closeImplications()
            changed = protectSums() || changed
            if !changed { changed = protectDetermined() }
            if !changed { return }
        }
    }

    private func isSmall(_ count: Int) -> Bool { count > 0 && count < threshold }

    /// Whether working out this hidden cell would disclose something: any hidden published count
    /// other than 0, and a small remainder.
    private func isProtected(_ cell: Int) -> Bool {
        published[cell] ? values[cell] != 0 : isSmall(values[cell])
    }

    /// Hides what wholly hidden cells imply; whether anything changed.
    private mutating func closeImplications() -> Bool {
        var changed = false
        for cell in hiddenWholly {
            for other in implications[cell] ?? [] where !hidden[other] {
                hidden[other] = true
                changed = true
            }
        }
        return changed
    }

    /// Hides one more part of each equation whose hidden parts add up to a known small sum, or
    /// are one alone; whether anything changed.
    private mutating func protectSums() -> Bool {
        var changed = false
        for equation in equations where !equation.totals.contains(where: { hidden[$0] }) {
            let hiddenParts = equation.parts.filter { hidden[$0] }
            let sum = hiddenParts.reduce(0) { $0 + values[$1] }
            guard !hiddenParts.isEmpty, sum > 0, hiddenParts.count == 1 || sum < threshold else { continue }
            let lone = hiddenParts.count == 1 ? hiddenParts[0] : nil
            if hideComplement(from: equation.parts, in: equation, protecting: lone, allowZero: lone != nil) {
                changed = true
            }
        }
        return changed
    }

    /// Hides a shown cell linked to a hidden count that can be worked out, one per connected set
    /// of equations (hiding one may free the others); whether any was.
    private mutating func protectDetermined() -> Bool {
        var changed = false
        for pinned in determinedBySet() {
            for cell in pinned where protect(cell) {
                changed = true
                break
            }
        }
        return changed
    }

    /// Hides the smallest shown cell of an equation that holds `cell`, searching outwards through
    /// hidden cells when those equations have no shown cell left; whether one was hidden.
    private mutating func protect(_ cell: Int) -> Bool {
        var seenCells: Set<Int> = [cell]
        var frontier = [cell]
        var seenEquations: Set<Int> = []
        while !frontier.isEmpty {
            var next: [Int] = []
            for index in equations.indices where !seenEquations.contains(index) {
                let equation = equations[index]
                guard equation.cells.contains(where: frontier.contains) else { continue }
                seenEquations.insert(index)
                let protecting = equation.cells.contains(cell) ? cell : nil
                if hideComplement(from: equation.parts, in: equation, protecting: protecting, allowZero: true)
                    || hideComplement(from: equation.totals, in: equation, protecting: protecting, allowZero: true)
                {
                    return true
                }
                for other in equation.cells where hidden[other] && seenCells.insert(other).inserted { next.append(other) }
            }
            frontier = next
        }
        return false
    }

    /// Hides the shown published cell among `candidates` with the smallest count (a positive one
    /// first; 0 only when `allowZero`); whether one was hidden.
    ///
    /// Across breakdowns, when `protecting` is hidden as a whole breakdown, the candidate's whole
    /// breakdown is hidden (the one with the fewest responses), so hidden streets keep each other
    /// company rather than leaving a patchwork.
    private mutating func hideComplement(
        from candidates: [Int], in equation: Equation, protecting: Int?, allowZero: Bool
    ) -> Bool {
        let shown = candidates.filter { published[$0] && !hidden[$0] }
        let wholeBreakdown = equation.acrossBreakdowns && protecting.flatMap { wholes[$0] }.map(hiddenWholly.contains) == true
        func weight(_ cell: Int) -> Int {
            guard wholeBreakdown, let whole = wholes[cell] else { return values[cell] }
            return values[whole]
        }
        let positive = shown.filter { weight($0) > 0 }
        guard let chosen = (positive.isEmpty && allowZero ? shown : positive).min(by: { weight($0) < weight($1) }) else {
            return false
        }
        hidden[chosen] = true
        if wholeBreakdown, let whole = wholes[chosen] {
            hidden[whole] = true
            hiddenWholly.insert(whole)
        }
        return true
    }

    // MARK: Linear disclosure

    /// The hidden cells, other than those holding 0 (and remainders that are not small), whose
    /// value follows from the shown cells and the equations: a reader who solves the equations
    /// for the hidden cells finds them.
    ///
    /// A hidden cell is determined when its unit vector lies in the row space of the equations
    /// restricted to hidden cells (shown cells move to the known side). Rows are reduced to
    /// echelon form modulo the prime 2⁶¹ − 1 one connected set of equations at a time; a row left
    /// with a single hidden cell pins that cell.
    func determinedCells() -> [Int] {
        determinedBySet().flatMap { $0 }
    }

    /// ``determinedCells()``, grouped by connected set of equations.
    private func determinedBySet() -> [[Int]] {
        var determined: [[Int]] = []
        for component in components() {
            let unknowns = Array(Set(component.flatMap { equations[$0].cells }.filter { hidden[$0] })).sorted()
            guard unknowns.contains(where: isProtected) else { continue }
            let column = Dictionary(uniqueKeysWithValues: unknowns.enumerated().map { ($1, $0) })
            var rows: [[UInt64]] = component.compactMap { index in
                var row = [UInt64](repeating: 0, count: unknowns.count)
                var any = false
                for cell in equations[index].totals where hidden[cell] {
                    row[column[cell]!] = Modular.add(row[column[cell]!], 1)
                    any = true
                }
                for cell in equations[index].parts where hidden[cell] {
                    row[column[cell]!] = Modular.subtract(row[column[cell]!], 1)
                    any = true
                }
                return any ? row : nil
            }
            let pinned = Modular.reduce(&rows).map { unknowns[$0] }.filter(isProtected)
            if !pinned.isEmpty { determined.append(pinned) }
        }
        return determined
    }

    /// The equations in sets that share cells, by index.
    private func components() -> [[Int]] {
        var parent = Array(values.indices)
        func root(_ cell: Int) -> Int {
            var cell = cell
            while parent[cell] != cell {
                parent[cell] = parent[parent[cell]]
                cell = parent[cell]
            }
            return cell
        }
        for equation in equations {
            let cells = equation.cells
            for cell in cells.dropFirst() { parent[root(cell)] = root(cells[0]) }
        }
        var byRoot: [Int: [Int]] = [:]
        for (index, equation) in equations.enumerated() {
            byRoot[root(equation.cells[0]), default: []].append(index)
        }
        return byRoot.keys.sorted().compactMap { byRoot[$0] }
    }
}

/// Arithmetic modulo the Mersenne prime 2⁶¹ − 1, for exact row reduction of 0/±1 equations.
enum Modular {
    static let prime: UInt64 = (1 << 61) - 1

    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let sum = a + b
        return sum >= prime ? sum - prime : sum
    }

    static func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 {
        a >= b ? a - b : a + prime - b
    }

    static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return prime.dividingFullWidth(product).remainder
    }

    static func inverse(_ a: UInt64) -> UInt64 {
        var result: UInt64 = 1
        var base = a
        var exponent = prime - 2
        while exponent > 0 {
            if exponent & 1 == 1 { result = multiply(result, base) }
            base = multiply(base, base)
            exponent >>= 1
        }
        return result
    }

    /// Reduces `rows` to reduced row echelon form; returns the columns whose pivot row has no
    /// other non-zero entry (the unknowns the rows pin down).
    static func reduce(_ rows: inout [[UInt64]]) -> [Int] {
        guard let width = rows.first?.count else { return [] }
        var pivots: [(row: Int, column: Int)] = []
        var rank = 0
        for column in 0..<width where rank < rows.count {
            guard let found = (rank..<rows.count).first(where: { rows[$0][column] != 0 }) else { continue }
            rows.swapAt(rank, found)
            let scale = inverse(rows[rank][column])
            for index in column..<width where rows[rank][index] != 0 {
                rows[rank][index] = multiply(rows[rank][index], scale)
            }
            let pivotRow = rows[rank]
            let nonZero = (column..<width).filter { pivotRow[$0] != 0 }
            for other in rows.indices where other != rank && rows[other][column] != 0 {
                let factor = rows[other][column]
                for index in nonZero {
                    rows[other][index] = subtract(rows[other][index], multiply(factor, pivotRow[index]))
                }
            }
            pivots.append((rank, column))
            rank += 1
        }
        return pivots.compactMap { pivot in
            rows[pivot.row].lazy.filter { $0 != 0 }.count == 1 ? pivot.column : nil
        }
    }
}

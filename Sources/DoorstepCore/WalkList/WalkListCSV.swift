import Foundation

/// Reads a walk list: CSV text with a header row, as organisers export it from a spreadsheet.
///
/// The format is RFC 4180 (<https://www.rfc-editor.org/rfc/rfc4180>): fields separated by commas,
/// optionally quoted with `"`, a quote inside a quoted field doubled, quoted fields may span lines,
/// lines end with CRLF or LF. A leading UTF-8 byte order mark (as Excel writes) is ignored, and
/// so are blank lines.
///
/// The header must name an `id` and an `address` column; `postcode`, `street`, `area` and `uprn`
/// are read when present (header names are matched without regard to case or surrounding spaces),
/// and so is where each door is (``DoorLocation``): `lat`/`latitude` with `lon`/`lng`/`longitude`,
/// or `easting` with `northing`, one system per walk list, a row without them having no location;
/// every other column is kept in ``WalkListAddress/notes`` under its header name, empty cells left out.
public enum WalkListCSV {
    /// Column names with a meaning of their own.
    static let knownColumns = Set(["id", "address", "postcode", "street", "area", "uprn"])
        .union(locationColumns.values.flatMap { $0 })
    /// The names a location's column goes by.
    static let locationColumns: [String: [String]] = [
        "latitude": ["lat", "latitude"], "longitude": ["lon", "lng", "longitude"],
        "easting": ["easting"], "northing": ["northing"],
    ]

    /// Parses a walk list.
    ///
    /// - Parameter text: The whole CSV file.
    /// - Returns: The addresses in file order.
    /// - Throws: ``WalkListError`` listing every problem found, each with its line number.
    public static func parse(_ text: String) throws(WalkListError) -> [WalkListAddress] {
        let records: [Record]
        do {
            records = try Tokenizer(text).records()
        } catch {
            throw WalkListError(problems: [error])
        }
        guard let header = records.first else {
            throw WalkListError(problems: [.init(line: 1, message: "The file is empty; a header row with id and address is required.")])
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var problems: [WalkListError.Problem] = []
        var seenHeader: Set<String> = []
        for name in names {
            if name.isEmpty {
                problems.append(.init(line: header.line, message: "The header has an empty column name."))
            } else if !seenHeader.insert(name).inserted {
                problems.append(.init(line: header.line, message: "The header names column \"\(name)\" twice."))
            }
        }
        for required in ["id", "address"] where !names.contains(required) {
            problems.append(.init(line: header.line, message: "The header has no \"\(required)\" column."))
        }
        guard problems.isEmpty else { throw WalkListError(problems: problems) }

        let column = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for (meaning, aliases) in Self.locationColumns.sorted(by: { $0.key < $1.key }) {
            let given = aliases.filter { column[$0] != nil }
            if given.count > 1 {
                problems.append(.init(line: header.line, message: "The header names the \(meaning) twice (\(given.joined(separator: ", "))); keep one column."))
            }
        }
        guard problems.isEmpty else { throw WalkListError(problems: problems) }
        var system: (name: String, line: Int)?
        let originalNames = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var addresses: [WalkListAddress] = []
        var firstLineOfID: [String: Int] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                problems.append(.init(
                    line: record.line,
                    message: "The row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s"); the header has \(names.count)."
                ))
                continue
            }
            func value(_ name: String) -> String? {
                guard let index = column[name] else { return nil }
                let trimmed = record.fields[index].trimmingCharacters(in: .whitespaces)
                return trimmed.isEmpty ? nil : trimmed
            }
            guard let id = value("id") else {
                problems.append(.init(line: record.line, message: "The row has no id."))
                continue
            }
            if let first = firstLineOfID[id] {
                problems.append(.init(line: record.line, message: "The id \"\(id)\" was already used on line \(first)."))
                continue
            }
            firstLineOfID[id] = record.line
            guard let address = value("address") else {
                problems.append(.init(line: record.line, message: "The row with id \"\(id)\" has no address."))
                continue
            }
            var notes: [String: String] = [:]
            for (index, name) in names.enumerated() where !knownColumns.contains(name) {
                let cell = record.fields[index].trimmingCharacters(in: .whitespaces)
                if !cell.isEmpty { notes[originalNames[index]] = cell }
            }
            func located(_ meaning: String) -> String? { Self.locationColumns[meaning]!.lazy.compactMap(value).first }
            let location: DoorLocation?
            do {
                location = try DoorLocation.read(
                    latitude: located("latitude"), longitude: located("longitude"),
                    easting: located("easting"), northing: located("northing")
                )
            } catch {
                problems.append(.init(line: record.line, message: error.message))
                continue
            }
            if let location {
                if let system, system.name != location.system {
                    problems.append(.init(
                        line: record.line,
                        message: "The row gives \(location.system) but line \(system.line) gives \(system.name); use one system for the whole walk list."
                    ))
                    continue
                }
                system = system ?? (location.system, record.line)
            }
            addresses.append(WalkListAddress(
                id: id, address: address, postcode: value("postcode"), street: value("street"),
                area: value("area"), uprn: value("uprn"), notes: notes, location: location
            ))
        }
        guard problems.isEmpty else { throw WalkListError(problems: problems) }
        guard !addresses.isEmpty else {
            throw WalkListError(problems: [.init(line: header.line, message: "The walk list has a header but no addresses.")])
        }
        return addresses
    }

    /// One CSV record and the line it starts on.
    struct Record {
        var line: Int
        var fields: [String]
    }

    /// Splits CSV text into records, following RFC 4180's quoting.
    struct Tokenizer {
        private let scalars: [Unicode.Scalar]

        init(_ text: String) {
            var scalars = Array(text.unicodeScalars)
            if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
            self.scalars = scalars
        }

        func records() throws(WalkListError.Problem) -> [Record] {
            var records: [Record] = []
            var fields: [String] = []
            var field = String.UnicodeScalarView()
            var line = 1
            var recordLine = 1
            var index = 0
            var fieldWasQuoted = false

            func endRecord() {
                fields.append(String(field))
                let blank = fields.count == 1 && !fieldWasQuoted && fields[0].trimmingCharacters(in: .whitespaces).isEmpty
                if !blank { records.append(Record(line: recordLine, fields: fields)) }
                fields = []
                field = String.UnicodeScalarView()
                fieldWasQuoted = false
            }

            while index < scalars.count {
                let scalar = scalars[index]
                switch scalar {
                case "\"" where field.isEmpty && !fieldWasQuoted:
                    let quoteLine = line
                    fieldWasQuoted = true
                    index += 1
                    var closed = false
                    while index < scalars.count {
                        let inner = scalars[index]
                        if inner == "\"" {
                            if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                                field.append("\"")
                                index += 2
                                continue
                            }
                            closed = true
                            index += 1
                            break
                        }
                        if inner == "\n" { line += 1 }
                        field.append(inner)
                        index += 1
                    }
                    guard closed else {
                        throw WalkListError.Problem(line: quoteLine, message: "A quoted field is never closed.")
                    }
                    if index < scalars.count, !["," as Unicode.Scalar, "\r", "\n"].contains(scalars[index]) {
                        throw WalkListError.Problem(
                            line: line, message: "A quoted field is followed by text before the next comma."
                        )
                    }
                case "\"":
                    throw WalkListError.Problem(
                        line: line, message: "A quote appears inside an unquoted field; quote the whole field and double the quote."
                    )
                case ",":
                    fields.append(String(field))
                    field = String.UnicodeScalarView()
                    fieldWasQuoted = false
                    index += 1
                case "\r", "\n":
                    endRecord()
                    if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
                    index += 1
                    line += 1
                    recordLine = line
                default:
                    field.append(scalar)
                    index += 1
                }
            }
            if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
            return records
        }
    }
}

/// A walk list that cannot be read: every problem found, each naming its line.
public struct WalkListError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One problem on one line of the file.
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// The line of the file (1 is the header) where the problem is.
        public var line: Int
        /// One sentence saying what is wrong.
        public var message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }

        public var description: String { "line \(line): \(message)" }
    }

    /// Every problem, in file order.
    public var problems: [Problem]

    public init(problems: [Problem]) {
        self.problems = problems
    }

    /// One problem a line.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

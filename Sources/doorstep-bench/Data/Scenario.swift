import DoorstepCore
import DoorstepSealing
import DoorstepStore
import Foundation

/// The day of action every phase uses: the sample form, one campaign and its walk list, and the
/// tokens, prepared once in a template data directory that each phase copies for a fresh server.
struct Scenario: Sendable {
    /// The campaign id.
    static let campaign = "bench-west-end"
    /// The collector token's name in the template.
    static let collectorName = "bench-collector"

    /// The parsed sample form (without its follow-up routes when the run does not seal).
    let form: FormDefinition
    /// Each agency's public key, registered on the template server: every agency the form's
    /// routes name, or none when the run does not seal.
    let keys: [String: AgencyPublicKey]
    /// The form's file.
    let formFile: URL
    /// The walk list's address ids, in list order.
    let addresses: [String]
    /// A server data directory with the form published, the campaign created and two tokens.
    let template: URL
    /// A collector token in the template.
    let collectorToken: String
    /// An organiser token in the template.
    let organiserToken: String
    /// Today, for the validator.
    let today: String
    /// The PostgreSQL server of `--database`, when the servers keep their data there.
    let postgres: PostgresServer?
    private let folder: URL
    private let tools: Toolbox

    /// Publishes the form, registers a key for each agency it routes to, writes a walk list of
    /// `addressCount` doors on forty streets in four areas, creates the campaign and the tokens,
    /// all with the real `doorstep-server` commands.
    ///
    /// - Parameter sealing: Whether personal answers are sealed to agencies as the form says;
    ///   when `false` the form's `follow_ups` are removed, so the same answers travel in plain.
    init(formFile: URL, addressCount: Int, folder: URL, tools: Toolbox, postgres: PostgresServer?, sealing: Bool) throws {
        self.folder = folder
        self.tools = tools
        self.postgres = postgres
        var source = try String(contentsOf: formFile, encoding: .utf8)
        if sealing {
            self.formFile = formFile
        } else {
            source = Self.withoutFollowUps(source)
            self.formFile = folder.appendingPathComponent("form-unsealed.yaml")
            try source.write(to: self.formFile, atomically: true, encoding: .utf8)
        }
        form = try FormDefinition.parse(yaml: source)
        today = Date().formatted(.iso8601.year().month().day())
        template = folder.appendingPathComponent("template-data")

        let areas = ["Westfield", "Canal Side", "Northgate", "Old Town"]
        let streets = (0..<40).map { "\(["Mill", "Church", "Victoria", "Station", "Park", "Union", "Albert", "King", "Queen", "Bridge"][$0 % 10]) \(["Street", "Road", "Lane", "Terrace"][$0 / 10])" }
        var csv = "id,address,postcode,street,area\n"
        var ids: [String] = []
        for index in 0..<addressCount {
            let street = streets[index % streets.count]
            let id = String(format: "A%05d", index + 1)
            ids.append(id)
            csv += "\(id),\(index / streets.count + 1) \(street),WE\(index % 9 + 1) \(index % 7 + 1)AB,\(street),\(areas[(index % streets.count) / 10])\n"
        }
        addresses = ids
        let walkList = folder.appendingPathComponent("walk-list.csv")
        try csv.write(to: walkList, atomically: true, encoding: .utf8)

        var keys: [String: AgencyPublicKey] = [:]
        for agency in form.routedAgencies {
            let key = try AgencyKeyring.generate(agency: agency, created: today).currentPublicKey
            let file = folder.appendingPathComponent("\(agency).pub")
            try key.fileText.write(to: file, atomically: true, encoding: .utf8)
            try tools.admin(["agencies", "add", "--data", template.path, "--id", agency, "--name", agency, "--key", file.path])
            keys[agency] = key
        }
        self.keys = keys
        try tools.admin(["forms", "publish", "--data", template.path, self.formFile.path])
        try tools.admin([
            "campaigns", "create", "--data", template.path, "--id", Self.campaign, "--name", "Day of action, West End",
            "--form", form.id, "--addresses", walkList.path,
        ])
        let templateData = ServerData(place: .directory(template))
        collectorToken = try tools.createToken(data: templateData, role: "collector", name: Self.collectorName)
        organiserToken = try tools.createToken(data: templateData, role: "organiser", name: "bench-organiser")
    }

    /// A fresh copy of the template's data for one server, named `name`: a copy of the data
    /// directory in the work folder, or a new PostgreSQL database the template is migrated into
    /// with `doorstep-server migrate`.
    func freshData(_ name: String) throws -> ServerData {
        guard let postgres else {
            let destination = folder.appendingPathComponent(name)
            try FileManager.default.copyItem(at: template, to: destination)
            return ServerData(place: .directory(destination))
        }
        let database = try postgres.createDatabase(name)
        try tools.admin(["migrate", "--data", template.path, "--database", postgres.url(database: database)])
        return ServerData(place: .postgres(postgres, database: database))
    }

    /// Records `count` generated responses in a home that already holds the form and the campaign,
    /// through the real store, one transaction per response as `doorstep record` does.
    ///
    /// - Returns: How long recording took.
    func record(_ count: Int, in home: URL, generator: inout AnswerGenerator, firstAddress: Int = 0) throws -> Duration {
        let store = try ClientStore(home: home)
        let (_, elapsed) = try timed {
            for index in 0..<count {
                let id = UUID()
                let (answers, safeguarding) = try generator.next(response: id)
                try store.recordResponse(
                    campaign: Self.campaign, address: addresses[(firstAddress + index) % addresses.count], form: form,
                    answers: answers, safeguarding: safeguarding, id: id
                )
            }
        }
        return elapsed
    }

    /// `source` without its top-level `follow_ups:` block.
    static func withoutFollowUps(_ source: String) -> String {
        var lines: [Substring] = []
        var skipping = false
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("follow_ups:") {
                skipping = true
                continue
            }
            if skipping, let first = line.first, first != " ", first != "#" { skipping = false }
            if !skipping { lines.append(line) }
        }
        return lines.joined(separator: "\n")
    }
}

import DoorstepCore
import DoorstepWire
import DoorstepReport
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore

/// The organiser's routes: aggregates, snapshots published for viewers, raw exports (audited), the
/// audit log, the HTML report and short-lived signed links to it.
///
/// Viewers get figures only, and only published ones: their aggregates and report are the newest
/// snapshot an organiser published (404 `not_published` before the first), never live figures.
///
/// * `GET /v1/campaigns/{id}/aggregates[?format=json|csv][&snapshot=latest]`: organiser, viewer,
///   admin; live figures, or with `snapshot=latest` (always, for a viewer) the newest snapshot.
/// * `POST /v1/campaigns/{id}/snapshots`: organiser, admin; publishes the figures for viewers,
///   small counts suppressed (audited).
/// * `GET /v1/campaigns/{id}/snapshots`: organiser, admin; the snapshots published so far.
/// * `GET /v1/campaigns/{id}/export?format=csv|json`: organiser, admin; streamed; audited.
/// * `GET /v1/campaigns/{id}/progress`: organiser, admin; the live view (``CampaignProgress``).
/// * `GET /v1/audit[?limit=N&before=ID]`: admin.
/// * `GET /v1/campaigns/{id}/report[?compare=ID2][&snapshot=latest][&language=CODE]`: organiser, viewer, admin;
///   self-contained HTML, of the same figures as the aggregates.
/// * `POST /v1/campaigns/{id}/report-link[?compare=ID2][&language=CODE]`: a link for a browser, `/r?link=...`,
///   working for ten minutes without a token (see ``ReportLinks``).
/// * `GET /r?link=...`: the report the link grants.
/// * `POST /v1/campaigns/{id}/live-link`: organiser, admin; a link to the live page, `/live?link=...`,
///   working for twelve hours without a token.
/// * `GET /live?link=...`: the live page (``LivePage``), reloading itself every 30 seconds.
public struct ReportingController: Sendable {
    let database: ServerDatabase
    let links: ReportLinks

    /// Responses read per page of a streamed export.
    static let exportPageSize = 500

    /// Creates the controller over the server's database, loading (or making) the link secret
    /// (in the data directory, or in PostgreSQL for every instance to share); if it cannot be
    /// written, links are signed with a secret that lasts until the server stops.
    public init(database: ServerDatabase) {
        self.database = database
        links = (try? ReportLinks(database: database)) ?? ReportLinks()
    }

    /// Registers the `/v1` routes on the authenticated group and the signed-link route on the
    /// router itself (a browser following a link has no token).
    /// - Parameters:
    ///   - group: The `/v1` group behind the token middleware.
    ///   - router: The root router, for `GET /r`.
    public func addRoutes(to group: RouterGroup<AppRequestContext>, signedLinks router: Router<AppRequestContext>) {
        group.get("campaigns/:id/aggregates", use: aggregates)
        group.get("campaigns/:id/progress", use: progress)
        group.post("campaigns/:id/snapshots", use: publish)
        group.get("campaigns/:id/snapshots", use: snapshots)
        group.get("campaigns/:id/export", use: export)
        group.get("audit", use: audit)
        group.get("campaigns/:id/report", use: report)
        group.post("campaigns/:id/report-link", use: reportLink)
        group.post("campaigns/:id/live-link", use: liveLink)
        router.get("r", use: signedReport)
        router.get("live", use: signedLive)
    }

    // MARK: Aggregates

    @Sendable func aggregates(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(.organiser, .viewer, .admin)
        let id = try context.parameters.require("id")
        let format = try Self.format(of: request, allowed: ["json", "csv"], default: "json")
        let figures = try await figures(of: id, role: identity.role, published: Self.wantsSnapshot(request)).figures
        guard format == "csv" else { return .json(figures) }
        return Self.download(
            ByteBuffer(string: figures.csv()), type: "text/csv; charset=utf-8", fileName: "\(id)-aggregates.csv"
        )
    }

    // MARK: Live view

    @Sendable func progress(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireRole(.organiser, .admin)
        return .json(try await database.progress(campaign: try context.parameters.require("id")))
    }

    // MARK: Snapshots

    @Sendable func publish(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(.organiser, .admin)
        let id = try context.parameters.require("id")
        return .json(try await database.publishSnapshot(campaign: id, by: identity), status: .created)
    }

    @Sendable func snapshots(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireRole(.organiser, .admin)
        return .json(try await database.snapshots(campaign: try context.parameters.require("id")))
    }

    /// The figures of `campaign` that `role` may see, and when they were taken: the newest
    /// snapshot for a viewer (or when `published` is asked for), the live figures otherwise.
    func figures(of campaign: String, role: Role, published: Bool) async throws -> (figures: CampaignAggregates, takenAt: String) {
        guard role == .viewer || published else {
            return (try await database.aggregates(campaign: campaign), Self.generatedAt(Date()))
        }
        let snapshot = try await database.latestSnapshot(campaign: campaign)
        let publishedAt = ISO8601DateFormatter().date(from: snapshot.summary.publishedAt) ?? Date()
        return (snapshot.figures, Self.generatedAt(publishedAt))
    }

    /// Whether the request asks for the newest snapshot (`snapshot=latest`) rather than live figures.
    static func wantsSnapshot(_ request: Request) throws -> Bool {
        guard let text = request.uri.queryParameters["snapshot"].map(String.init) else { return false }
        guard text == "latest" else {
            throw APIError.badRequest("The snapshot parameter must be latest, not \(text).")
        }
        return true
    }

    // MARK: Export

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(.organiser, .admin)
        let id = try context.parameters.require("id")
        let format = try Self.format(of: request, allowed: ["csv", "json"], default: "csv")
        let plan = try await database.planExport(campaign: id, format: format, by: identity)
        let database = database
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: format == "csv" ? plan.export.csvHeader() : "["))
            var after: Int64 = 0
            var first = true
            while true {
                let page = try await database.exportPage(campaign: id, after: after, limit: Self.exportPageSize)
                guard let last = page.last else { break }
                var text = ""
                for (_, response) in page {
                    if format == "csv" {
                        text += plan.export.csvRow(response)
                    } else {
                        text += (first ? "\n" : ",\n") + (try ResponseExport.jsonObject(response))
                        first = false
                    }
                }
                try await writer.write(ByteBuffer(string: text))
                after = last.row
                if page.count < Self.exportPageSize { break }
            }
            if format == "json" { try await writer.write(ByteBuffer(string: first ? "]\n" : "\n]\n")) }
            try await writer.finish(nil)
        }
        var headers = Self.downloadHeaders(
            type: format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
            fileName: "\(id)-responses.\(format)"
        )
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: body)
    }

    // MARK: Audit

    @Sendable func audit(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireRole(.admin)
        let query = request.uri.queryParameters
        var limit = 100
        if let text = query["limit"] {
            guard let value = Int(String(text)), (1...1_000).contains(value) else {
                throw APIError.badRequest("The limit must be a whole number from 1 to 1000.")
            }
            limit = value
        }
        var before: Int64?
        if let text = query["before"] {
            guard let value = Int64(String(text)), value > 0 else {
                throw APIError.badRequest("The before parameter must be an audit entry id, a whole number of 1 or more.")
            }
            before = value
        }
        return .json(try await database.auditLog(limit: limit, before: before))
    }

    // MARK: Report

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(.organiser, .viewer, .admin)
        let id = try context.parameters.require("id")
        let compare = request.uri.queryParameters["compare"].map(String.init)
        let published = try Self.wantsSnapshot(request)
        let withText = try Self.wantsFreeText(request)
        let shading = try Self.mapShading(request)
        let language = request.uri.queryParameters["language"].map(String.init)
        if withText {
            guard identity.role == .organiser || identity.role == .admin else {
                throw APIError.forbidden("What residents typed is for organisers; a viewer's report never lists it.")
            }
            guard compare == nil, !published else {
                throw APIError.badRequest("Free text is listed in a campaign's own live report, not in a comparison or a snapshot.")
            }
        }
        let page = try await renderReport(
            campaign: id, compare: compare, role: identity.role, published: published,
            freeText: withText ? try await database.freeText(campaign: id) : [], mapShading: shading, language: language
        )
        try await database.auditReport(
            campaigns: [id] + (compare.map { [$0] } ?? []), tokenID: identity.tokenID, withFreeText: withText
        )
        return Self.html(page)
    }

    /// `POST /v1/campaigns/{id}/report-link` answer.
    struct ReportLink: Codable {
        /// The link, relative to the server: `/r?link=...`.
        var url: String
        /// When it stops working, ISO 8601.
        var expiresAt: String

        private enum CodingKeys: String, CodingKey {
            case url
            case expiresAt = "expires_at"
        }
    }

    @Sendable func reportLink(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(.organiser, .viewer, .admin)
        let id = try context.parameters.require("id")
        let compare = request.uri.queryParameters["compare"].map(String.init)
        let language = request.uri.queryParameters["language"].map(String.init)
        // Refuse a link to figures or a language that do not exist, now rather than when it is followed.
        _ = try await figures(of: id, role: identity.role, published: false)
        if let compare { _ = try await figures(of: compare, role: identity.role, published: false) }
        if let language { _ = try await formVersions(of: id, in: language) }
        let expiry = Date().addingTimeInterval(TimeInterval(ReportLinks.lifetime.components.seconds))
        let grant = ReportLinks.Grant(
            campaign: id, compare: compare, role: identity.role, tokenID: identity.tokenID,
            expires: Int64(expiry.timeIntervalSince1970), language: language
        )
        let link = try links.sign(grant)
        return .json(ReportLink(url: "/r?link=\(link)", expiresAt: expiry.formatted(.iso8601)), status: .created)
    }

    @Sendable func signedReport(_ request: Request, context: AppRequestContext) async throws -> Response {
        let grant = try await verifiedGrant(request, view: nil)
        let page = try await renderReport(campaign: grant.campaign, compare: grant.compare, role: grant.role, language: grant.language)
        try await database.auditReport(campaigns: [grant.campaign] + (grant.compare.map { [$0] } ?? []), tokenID: grant.tokenID)
        return Self.html(page)
    }

    @Sendable func liveLink(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(.organiser, .admin)
        let id = try context.parameters.require("id")
        _ = try await database.progress(campaign: id)
        let expiry = Date().addingTimeInterval(TimeInterval(ReportLinks.liveLifetime.components.seconds))
        let grant = ReportLinks.Grant(
            campaign: id, compare: nil, role: identity.role, tokenID: identity.tokenID,
            expires: Int64(expiry.timeIntervalSince1970), view: "live"
        )
        return .json(ReportLink(url: "/live?link=\(try links.sign(grant))", expiresAt: expiry.formatted(.iso8601)), status: .created)
    }

    @Sendable func signedLive(_ request: Request, context: AppRequestContext) async throws -> Response {
        let grant = try await verifiedGrant(request, view: "live")
        guard grant.role == .organiser || grant.role == .admin else { throw APIError.forbidden("The live page is for organisers.") }
        return Self.html(LivePage(progress: try await database.progress(campaign: grant.campaign)).html())
    }

    /// The grant of the request's `link` for `view`, checked: signed here, of that view, not
    /// expired, and made by a token that is still live.
    func verifiedGrant(_ request: Request, view: String?) async throws -> ReportLinks.Grant {
        let what = view == nil ? "report" : "live page"
        guard let link = request.uri.queryParameters["link"].map(String.init), let grant = links.verify(link), grant.view == view else {
            throw APIError.unauthorized("This \(what) link is not valid; ask for a new one.")
        }
        guard Int64(Date().timeIntervalSince1970) <= grant.expires else {
            throw APIError.unauthorized("This \(what) link has expired; ask for a new one.")
        }
        guard try await database.isLiveToken(id: grant.tokenID) else {
            throw APIError.unauthorized("The token that made this \(what) link has been revoked.")
        }
        return grant
    }

    /// Whether the request asks for the free-text answers (`text=include`).
    static func wantsFreeText(_ request: Request) throws -> Bool {
        guard let text = request.uri.queryParameters["text"].map(String.init) else { return false }
        guard text == "include" else { throw APIError.badRequest("The text parameter must be include, not \(text).") }
        return true
    }

    /// What the report's map is shaded by (`map=QUESTION:CHOICE`); the surveyed share by default.
    static func mapShading(_ request: Request) throws -> MapShading {
        guard let text = request.uri.queryParameters["map"].map(String.init) else { return .surveyed }
        guard let shading = MapShading(text) else {
            throw APIError.badRequest("The map parameter must be QUESTION:CHOICE, such as feel_safe:very_unsafe, not \(text).")
        }
        return shading
    }

    /// The report of `campaign` (compared with `compare` when given) as `role` may see it,
    /// listing `freeText` (an organiser's own campaign report only), its map shaded by `mapShading`,
    /// its questions and choices labelled in `language` (one of the campaign form's) when given.
    func renderReport(
        campaign: String, compare: String?, role: Role, published: Bool = false, freeText: [FreeTextAnswers] = [],
        mapShading: MapShading = .surveyed, language: String? = nil
    ) async throws -> String {
        var (figures, taken) = try await self.figures(of: campaign, role: role, published: published)
        var freeText = freeText
        if let language {
            let forms = try await formVersions(of: campaign, in: language)
            figures = figures.inLanguage(language, forms: forms)
            let questions = Dictionary(forms.flatMap(\.questions).map { ($0.name, $0) }, uniquingKeysWith: { $1 })
            for index in freeText.indices {
                if let question = questions[freeText[index].name] { freeText[index].label = question.reportLabel(in: language) }
            }
        }
        if var other = try await compare.asyncMap({ try await self.figures(of: $0, role: role, published: published) }) {
            if let language {
                let forms = try await database.formVersions(campaign: other.figures.campaign)
                if forms.contains(where: { $0.language(language) != nil }) { other.figures = other.figures.inLanguage(language, forms: forms) }
            }
            return ComparisonReport(figures, other.figures, generatedAt: taken).html()
        }
        if let problem = mapShading.problem(in: figures) { throw APIError.badRequest(problem) }
        return CampaignReport(aggregates: figures, generatedAt: taken, freeText: freeText, mapShading: mapShading).html()
    }

    // MARK: Helpers

    /// The versions of `campaign`'s form, oldest first, when one of them has `language`.
    ///
    /// - Throws: ``APIError/badRequest(_:)`` naming the form's languages when none has it.
    func formVersions(of campaign: String, in language: String) async throws -> [FormDefinition] {
        let forms = try await database.formVersions(campaign: campaign)
        guard forms.contains(where: { $0.language(language) != nil }) else {
            let known = Set(forms.flatMap { $0.languages.map(\.description) }).sorted()
            throw APIError.badRequest(
                "Campaign \(campaign)'s form has no language '\(language)'"
                    + (known.isEmpty ? "; it names no languages." : "; it has \(known.joined(separator: ", ")).")
            )
        }
        return forms
    }

    /// A time as the report's footer shows it: `14 November 2026 18:05 UTC`.
    static func generatedAt(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMMM yyyy HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    /// The `format` query parameter, checked.
    static func format(of request: Request, allowed: [String], default fallback: String) throws -> String {
        guard let text = request.uri.queryParameters["format"].map(String.init) else { return fallback }
        guard allowed.contains(text) else {
            throw APIError.badRequest("The format must be \(allowed.joined(separator: " or ")), not \(text).")
        }
        return text
    }

    /// Headers for a file to save: its type and a safe file name.
    static func downloadHeaders(type: String, fileName: String) -> HTTPFields {
        let safe = String(fileName.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentDisposition] = "attachment; filename=\"\(safe)\""
        return headers
    }

    static func download(_ buffer: ByteBuffer, type: String, fileName: String) -> Response {
        Response(status: .ok, headers: downloadHeaders(type: type, fileName: fileName), body: .init(byteBuffer: buffer))
    }

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    /// The report page, with headers that keep it to itself: nothing may load from anywhere, it is
    /// not cached, and following a link out of it sends no referrer.
    static func html(_ page: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        headers[.cacheControl] = "no-store"
        headers[Self.referrerPolicy] = "no-referrer"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}

extension Optional {
    /// `map` with an asynchronous, throwing transform.
    fileprivate func asyncMap<Result>(_ transform: (Wrapped) async throws -> Result) async rethrows -> Result? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

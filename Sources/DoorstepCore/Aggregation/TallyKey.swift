/// One running counter of a campaign's aggregates: how many responses fall in `bucket` of
/// `question`, within `dimension`.
///
/// The server keeps one row per key in its `tallies` table and adds or subtracts what each response
/// contributes (``Tally/contributions(of:form:street:area:)``), so aggregates never scan responses.
public struct TallyKey: Hashable, Codable, Sendable {
    /// `"all"`, `"version:<version>"`, `"street:<name>"`, `"area:<name>"` or ``textDimension``.
    public var dimension: String
    /// A question name, or ``Tally/responseQuestion`` for counts of whole responses.
    public var question: String
    /// A choice name, a numeric value as text, a month `YYYY-MM`, ``Tally/answeredBucket``, ...
    public var bucket: String

    /// Creates a key.
    public init(dimension: String, question: String, bucket: String) {
        self.dimension = dimension
        self.question = question
        self.bucket = bucket
    }

    /// The dimension that counts every response of the campaign.
    public static let allDimension = "all"

    /// The dimension of one street of the walk list.
    public static func streetDimension(_ street: String) -> String { "street:" + street }

    /// The dimension of one area of the walk list.
    public static func areaDimension(_ area: String) -> String { "area:" + area }

    /// The dimension of one form version: the responses recorded on it.
    public static func versionDimension(_ version: String) -> String { "version:" + version }

    /// The dimension of free-text answers, counted for the whole campaign only: the question's
    /// name, and as bucket the answer's normalised text (``TextCounts/normalise(_:)``), or
    /// ``Tally/textAnsweredBucket`` for the answers in all. It sorts after every other dimension,
    /// so the others are read as one range without it.
    public static let textDimension = "~text"
}

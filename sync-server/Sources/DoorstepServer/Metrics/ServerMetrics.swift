import CoreMetrics
import DoorstepWire
import Foundation
import Prometheus
import Synchronization

/// The server's metrics, recorded with swift-metrics into a Prometheus registry of their own and
/// written in Prometheus's text format by ``MetricsEndpoint``.
///
/// Each kind of event is recorded by one method here, called from the one place the event
/// happens: a request finishing (``RequestLogMiddleware``), a push or a conflict resolution
/// committing (``ServerDatabase``), a pull page being read. What is a state rather than an event
/// — open connections, the database's size, the backups made by `doorstep-server backup` in its
/// own process — is sampled when Prometheus scrapes (``sample(_:)``).
///
/// No label carries a value that came from a device or a person: routes are the router's
/// patterns, operation kinds and answers are the protocol's fixed names.
public final class ServerMetrics: Sendable {
    /// The registry the metrics are written from; the server's own, not the process-wide default.
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    /// Metric names, as Prometheus shows them.
    enum Name {
        static let requestDuration = "doorstep_http_request_duration_seconds"
        static let operations = "doorstep_operations_total"
        static let pushOperations = "doorstep_push_operations"
        static let pullItems = "doorstep_pull_items"
        static let conflictsOpened = "doorstep_conflicts_opened_total"
        static let conflictsResolved = "doorstep_conflicts_resolved_total"
        static let lastCommit = "doorstep_last_commit_timestamp_seconds"
        static let openConnections = "doorstep_open_connections"
        static let databaseSize = "doorstep_database_size_bytes"
        static let walSize = "doorstep_wal_size_bytes"
        static let backups = "doorstep_backup_runs_total"
        static let lastBackup = "doorstep_last_backup_timestamp_seconds"
        static let purgeRuns = "doorstep_purge_runs_total"
        static let purgedAnswers = "doorstep_purged_answers_total"
    }

    /// The answers an operation gets, as labels.
    private static let statuses: [OperationResult.Status] = [.applied, .held, .rejected]

    private let conflictsOpened: CoreMetrics.Counter
    private let conflictsResolved: CoreMetrics.Counter
    private let pushSizes: CoreMetrics.Recorder
    private let pullSizes: CoreMetrics.Recorder
    private let lastCommit: CoreMetrics.Gauge
    private let openConnections: CoreMetrics.Gauge
    private let databaseSize: CoreMetrics.Gauge
    /// The backup count last read from the database, so a scrape adds only new runs.
    private let backupsSeen = Mutex<Int?>(nil)
    /// The purge runs and purged answers last read from the database, the same way.
    private let purgesSeen = Mutex<(runs: Int, answers: Int)?>(nil)

    /// Creates the metrics with every counter at zero, so that rates and alerts have a start.
    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        let sizes: [Double] = [1, 10, 50, 100, 250, 500, 1_000, 2_000, 5_000]
        factory.valueHistogramBuckets = [Name.pushOperations: sizes, Name.pullItems: sizes]
        self.factory = factory
        conflictsOpened = CoreMetrics.Counter(label: Name.conflictsOpened, factory: factory)
        conflictsResolved = CoreMetrics.Counter(label: Name.conflictsResolved, factory: factory)
        pushSizes = CoreMetrics.Recorder(label: Name.pushOperations, factory: factory)
        pullSizes = CoreMetrics.Recorder(label: Name.pullItems, factory: factory)
        lastCommit = CoreMetrics.Gauge(label: Name.lastCommit, factory: factory)
        openConnections = CoreMetrics.Gauge(label: Name.openConnections, factory: factory)
        databaseSize = CoreMetrics.Gauge(label: Name.databaseSize, factory: factory)
        _ = CoreMetrics.Counter(label: Name.purgeRuns, factory: factory)
        _ = CoreMetrics.Counter(label: Name.purgedAnswers, factory: factory)
        for kind in SyncOperation.kinds {
            for status in Self.statuses { _ = operations(kind, status) }
        }
    }

    private func operations(_ kind: String, _ status: OperationResult.Status) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: Name.operations, dimensions: [("type", kind), ("status", status.rawValue)], factory: factory)
    }

    /// A request answered: its route pattern, method, status and how long it took.
    ///
    /// - Parameters:
    ///   - route: The pattern the router matched, such as `/v1/pull`, or `NotFound`.
    ///   - method: The HTTP method.
    ///   - status: The response's status code.
    ///   - duration: From the request's arrival at the middleware to its answer.
    func request(route: String, method: String, status: Int, duration: Duration) {
        let (seconds, attoseconds) = duration.components
        CoreMetrics.Timer(
            label: Name.requestDuration, dimensions: [("route", route), ("method", method), ("status", String(status))],
            factory: factory
        ).recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// A push committed: its operations' answers, the conflicts they opened and closed, its size.
    func pushed(_ events: PushEvents, operations count: Int) {
        pushSizes.record(count)
        committed(events)
    }

    /// A write of operations committed (a push, or an organiser settling a conflict).
    func committed(_ events: PushEvents) {
        for (decision, count) in events.decisions {
            operations(decision.kind, decision.status).increment(by: count)
        }
        conflictsOpened.increment(by: events.conflictsOpened)
        conflictsResolved.increment(by: events.conflictsResolved)
        lastCommit.record(Date().timeIntervalSince1970)
    }

    /// A pull page was read: how many items (forms, campaigns, knocks, responses) it carries.
    func pulled(items: Int) {
        pullSizes.record(items)
    }

    /// What is sampled when Prometheus scrapes.
    struct Sample: Sendable {
        /// Connections open now.
        var openConnections: Int
        /// The database's size in bytes: the SQLite file, or `pg_database_size` on PostgreSQL.
        var databaseBytes: Int64
        /// The SQLite write-ahead log's size; `nil` on PostgreSQL.
        var walBytes: Int64?
        /// Backups `doorstep-server backup` made of this data, and when the last one finished
        /// (unix seconds); `nil` on PostgreSQL, which `pg_dump` backs up.
        var backups: (runs: Int, last: Double?)?
        /// The purge's runs (in `serve` or by `doorstep-server purge`) and the answers they removed.
        var purges: (runs: Int, answers: Int)
    }

    /// Records what a scrape sampled.
    func sample(_ sample: Sample) {
        openConnections.record(sample.openConnections)
        databaseSize.record(sample.databaseBytes)
        // What PostgreSQL does not have is left out rather than shown as 0.
        if let wal = sample.walBytes { CoreMetrics.Gauge(label: Name.walSize, factory: factory).record(wal) }
        if let backups = sample.backups {
            // A restored database may count fewer runs than were seen: the counter then restarts.
            let added = backupsSeen.withLock { seen in
                defer { seen = backups.runs }
                return backups.runs - (seen ?? 0)
            }
            CoreMetrics.Counter(label: Name.backups, factory: factory).increment(by: max(added, 0))
            if let last = backups.last { CoreMetrics.Gauge(label: Name.lastBackup, factory: factory).record(last) }
        }
        let purges = sample.purges
        let added = purgesSeen.withLock { seen in
            defer { seen = purges }
            return (purges.runs - (seen?.runs ?? 0), purges.answers - (seen?.answers ?? 0))
        }
        CoreMetrics.Counter(label: Name.purgeRuns, factory: factory).increment(by: max(added.0, 0))
        CoreMetrics.Counter(label: Name.purgedAnswers, factory: factory).increment(by: max(added.1, 0))
    }

    /// Every metric in Prometheus's text format
    /// (<https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format>).
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

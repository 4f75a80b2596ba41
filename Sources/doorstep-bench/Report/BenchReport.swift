import Foundation

/// Everything one run measured, written as JSON by `--json FILE`. Times in seconds unless the
/// name says milliseconds; sizes in bytes.
struct BenchReport: Codable {
    /// `quick` or `full`.
    var mode: String
    /// `release` or `debug`: how doorstep-bench itself was built (the CLIs are built the same way).
    var build: String
    var machine: Machine
    var startedAt: String
    /// Where the servers kept their data: `sqlite` (a data directory each) or `postgres` (a
    /// database each on the server of `--database`).
    var store: String
    /// Server instances on one database in the clients phase.
    var instances: Int
    /// Whether personal answers were sealed to agencies as the form says (`false` with `--unsealed`).
    var sealing: Bool
    var seconds: Double = 0
    var push: Push?
    var naive: Naive?
    var limit: Limit?
    var pull: Pull?
    var aggregates: Aggregates?
    var clientLatency: ClientLatency?
    var manyClients: ManyClients?
    /// The targets of issue 6 and the product brief, each checked against its figure.
    var targets: [Target] = []

    struct Machine: Codable {
        var cores: Int
        var memoryBytes: UInt64
        var system: String
    }

    /// One client home's outbox pushed by the real `doorstep sync` to a fresh server.
    struct Push: Codable {
        var responses: Int
        /// Responses plus the `surveyed` knocks the store records with them.
        var operations: Int
        /// Wall time of the `doorstep sync` process: push, then the pull that follows it.
        var seconds: Double
        var responsesPerSecond: Double
        /// Time the server spent in `POST /v1/push` handlers (its request log).
        var serverPushSeconds: Double?
        /// Time the server spent in `GET /v1/pull` handlers (the pull that ends every sync).
        var serverPullSeconds: Double?
        var pushRequests: Int?
        var requestBytes: Int
        var responseBytes: Int
        var clientPeakMemory: Int
        var clientCPUSeconds: Double
        var serverPeakMemory: Int
        var serverCPUSeconds: Double
        /// Bytes the server wrote through `write` and `pwrite` during the sync (database, WAL, sockets).
        var serverWrittenBytes: Int
        /// Building the home through `ClientStore.recordResponse`, one transaction per response.
        var generateSeconds: Double
        /// The same sync replayed through a counting proxy to count the bytes (not a headline figure).
        var proxiedSeconds: Double
    }

    /// The same operations, one `POST /v1/push` per operation, sequentially.
    struct Naive: Codable {
        var requests: Int
        var seconds: Double
        var responsesPerSecond: Double
        var requestBytes: Int
        var responseBytes: Int
        var serverPeakMemory: Int
        var serverCPUSeconds: Double
        /// Naive time over sync time.
        var slowerThanSync: Double
    }

    /// What the machine can do with the same data and no sync logic.
    struct Limit: Codable {
        /// Rows written (operations log, responses, field writes, visits, tallies).
        var rows: Int
        /// How they were written: `sqlite` (one transaction of prepared inserts into a database
        /// with the server's schema and settings) or `postgres` (PostgreSQL's `COPY`, one per
        /// table, in one transaction, into a database with the server's schema).
        var store: String
        var storeSeconds: Double
        /// SQLite: bytes written through `write` and `pwrite` by that transaction (database and WAL).
        var sqliteWrittenBytes: Int?
        /// SQLite diagnostic: the same rows committed every 2,000 operations, as the sync's pushes commit.
        var batchedSeconds: Double?
        var batchedWrittenBytes: Int?
        /// SQLite diagnostic: committed every 2,000 operations with SQLite's default cache and checkpoints.
        var batchedDefaultCacheSeconds: Double?
        var batchedDefaultCacheWrittenBytes: Int?
        /// Posting the sync's request bodies to a server that discards them.
        var sinkSeconds: Double
        var sinkBytes: Int
        var sinkRequests: Int
        /// Sync time over the store's limit.
        var syncOverStore: Double
        /// Time the server spent in push handlers over the store's limit.
        var serverPushOverStore: Double?
        /// Sync time over the sink time.
        var syncOverSink: Double
    }

    /// Every response pulled to a fresh device by an organiser.
    struct Pull: Codable {
        var responses: Int
        var seconds: Double
        var responsesPerSecond: Double
        var clientPeakMemory: Int
        var clientCPUSeconds: Double
        /// The same pages decoded on their own.
        var decoding: PullDecoding?
    }

    /// Every pull page of the fresh device, decoded in one process by the client's reader and by
    /// `JSONDecoder` (the best of three runs each).
    struct PullDecoding: Codable {
        var pages: Int
        var responses: Int
        var bytes: Int
        var readerMilliseconds: Double
        var jsonDecoderMilliseconds: Double
    }

    /// `GET /v1/campaigns/ID/aggregates` over a large campaign.
    struct Aggregates: Codable {
        var responses: Int
        /// Loading them with pushes of `batchSize` straight through the transport.
        var loadSeconds: Double
        var loadResponsesPerSecond: Double
        var batchSize: Int
        var queryRuns: [Double]
        var queryMedianMilliseconds: Double
        var bodyBytes: Int
        var serverPeakMemory: Int
    }

    /// Wall time of single client commands on a home holding many responses.
    struct ClientLatency: Codable {
        var homeResponses: Int
        var runs: Int
        var statusMedianMilliseconds: Double
        var statusP95Milliseconds: Double
        var recordMedianMilliseconds: Double
        var recordP95Milliseconds: Double
        var statusPeakMemory: Int
        var recordPeakMemory: Int
    }

    /// Many `doorstep sync` processes against one server (or several instances on one database) at once.
    struct ManyClients: Codable {
        var clients: Int
        /// Server instances the clients were spread over, on one PostgreSQL database when more than one.
        var instances: Int
        var responsesPerClient: Int
        var operations: Int
        var seconds: Double
        var operationsPerSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
        /// Failed syncs, rejected operations and missing responses: must be 0.
        var errors: Int
        var serverPeakMemory: Int
    }

    /// A target and whether the figure meets it.
    struct Target: Codable {
        var name: String
        var target: String
        var measured: String
        var met: Bool
    }
}

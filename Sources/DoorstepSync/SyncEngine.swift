import DoorstepCore
import DoorstepWire
public import DoorstepStore
import DoorstepTransport
import Foundation
public import Logging

/// Pushes the outbox, then pulls everything new, as one `doorstep sync`.
///
/// The order of events is what makes an interrupted sync safe to run again:
/// * an operation is marked sent only after the server answered for it (the server answers only
///   after it committed), so a kill before the answer just sends it again, and the server's
///   per-id idempotency applies it once;
/// * a pulled page and its cursor commit in one transaction, so a kill between pages resumes at
///   the next page;
/// * a new server epoch (the server was restored from a backup) sends every operation again and
///   pulls from the start.
///
/// Operations the server holds (it lacks what they need yet) are sent again at every sync, in
/// their place in the queue; rejected ones are kept with the server's reason until a person
/// discards them. Neither holds back the others. Safeguarding operations go first (the store's
/// queue order).
public struct SyncEngine: Sendable {
    /// Batch and page sizes.
    public struct Options: Sendable, Hashable {
        /// Operations per push request.
        public var batchSize: Int
        /// A push request body over this many bytes is split (the server refuses more than 16 MiB).
        public var maximumBatchBytes: Int
        /// Records per pull page.
        public var pageSize: Int
        /// Whether the first request keeps retrying a server that cannot be connected to at all,
        /// as the API's retry policy allows, for a job that asked to wait; otherwise the sync
        /// gives up at once (``DoorstepTransport/RetryPolicy/givingUpWithoutConnection``).
        public var waitsForServer: Bool

        /// Creates options; the defaults push 100,000 responses in well under ten seconds on loopback.
        public init(batchSize: Int = 2000, maximumBatchBytes: Int = 8 << 20, pageSize: Int = 5000, waitsForServer: Bool = false) {
            self.batchSize = max(1, batchSize)
            self.maximumBatchBytes = maximumBatchBytes
            self.pageSize = max(1, pageSize)
            self.waitsForServer = waitsForServer
        }
    }

    private let store: ClientStore
    private let api: ServerAPI
    private let options: Options
    private let logger: Logger
    /// The most epoch changes one sync follows before giving up.
    private static let maximumEpochChanges = 3

    /// Creates an engine.
    /// - Parameters:
    ///   - store: the local store (its outbox, cursor and epoch).
    ///   - api: the server, with the token.
    ///   - options: batch and page sizes.
    ///   - logger: where progress and retries are logged.
    public init(store: ClientStore, api: ServerAPI, options: Options = Options(), logger: Logger) {
        self.store = store
        self.api = api
        self.options = options
        self.logger = logger
    }

    /// The role of a partner agency's token, whose laptop keeps the agency's worklist.
    public static let agencyRole = "agency"

    /// Runs one sync: checks the token, pushes every pending operation, pulls until nothing more;
    /// with an agency's token (``agencyRole``), pushes and then refreshes the agency's worklist
    /// (``ClientStore/saveWorklist(_:)``) instead of pulling.
    ///
    /// A server that cannot be connected to at all on the first request ends the sync at once
    /// (unless ``Options/waitsForServer``); failures after that are retried as the API's policy allows.
    /// - Parameter progress: called after every batch and page.
    /// - Returns: what was pushed, pulled, kept in conflict and rejected.
    /// - Throws: ``SyncError`` for the server's and the network's failures; the store's errors.
    public func run(progress: @Sendable (SyncProgress) -> Void = { _ in }) async throws -> SyncSummary {
        let identity = try await api.whoami(retry: options.waitsForServer ? api.retry : api.retry.givingUpWithoutConnection)
        try store.observeServerTime(identity.serverTime)
        var state = RunState(epoch: identity.epoch)
        let stored = try store.syncSettings().epoch
        if stored != identity.epoch {
            if stored != nil {
                logger.notice("The server has a new epoch (it was restored); every operation will be sent again.")
                state.summary.resent = true
            }
            try store.resendAllForNewEpoch(identity.epoch)
        }
        try store.requeueHeld()
        logger.info("Syncing.", metadata: ["server": "\(api.server)", "as": "\(identity.name) (\(identity.role))"])
        if identity.role == Self.agencyRole {
            // An agency pulls nothing (the server refuses it): it pushes its outcomes and
            // refreshes the follow-ups routed to it, and the forms that word them.
            try await push(&state, progress: progress)
            let list = try await api.followUps()
            try store.savePublishedForms(try await api.forms())
            try store.saveWorklist(list)
            state.summary.pulled = list.followUps.count
        } else {
            var finished = false
            while !finished {
                try await push(&state, progress: progress)
                finished = try await pull(&state, progress: progress)
            }
        }
        let now = Date()
        try store.recordSyncCompleted(at: now)
        state.summary.dropped = try store.dropExpiredAnswers(now: now)
        state.summary.pending = try store.pendingCount()
        let undelivered = try store.undeliveredOperations()
        state.summary.held = undelivered.filter { $0.state == .held }
        state.summary.rejected = undelivered.filter { $0.state == .rejected }
        state.summary.finishedAt = now.formatted(.iso8601)
        logger.info(
            "Sync finished.",
            metadata: [
                "pushed": "\(state.summary.pushed)", "pulled": "\(state.summary.pulled)",
                "conflicts": "\(state.summary.conflicts)", "held": "\(state.summary.held.count)",
                "rejected": "\(state.summary.rejected.count)",
            ]
        )
        return state.summary
    }

    /// What one run carries between its phases.
    private struct RunState {
        var epoch: String
        var epochChanges = 0
        var summary = SyncSummary()

        /// Follows the server to a new epoch; refuses after too many.
        mutating func changeEpoch(to epoch: String) throws(SyncError) {
            epochChanges += 1
            guard epochChanges <= SyncEngine.maximumEpochChanges else { throw .epochUnstable }
            self.epoch = epoch
            summary.resent = true
        }
    }

    // MARK: Push

    /// A batch the server answered, waiting to be acknowledged in the store.
    private struct AnsweredBatch {
        var operations: [PendingOperation]
        var response: PushResponse
        var bytes: Int
        var took: Duration
    }

    /// Pushes the outbox in batches, one request at a time and in queue order. While the server
    /// applies a batch, the engine acknowledges the batch before it and reads the batch after it,
    /// so the laptop's share of the work overlaps the server's.
    private func push(_ state: inout RunState, progress: @Sendable (SyncProgress) -> Void) async throws {
        var counts = PushCounts(total: try store.pendingCount())
        guard counts.total > 0 else { return }
        var batchSize = options.batchSize
        progress(.pushing(done: 0, total: counts.total))
        var batch = try store.pendingOperationTexts(limit: batchSize)
        while !batch.isEmpty {
            var answered: AnsweredBatch?
            while !batch.isEmpty {
                var body = encode(batch)
                while body.count > options.maximumBatchBytes && batch.count > 1 {
                    batch = Array(batch.prefix(batch.count / 2))
                    body = encode(batch)
                }
                let started = ContinuousClock.now
                async let sending = pushOnce(body)
                if let previous = answered {
                    answered = nil
                    try acknowledge(previous, &state, &counts, progress: progress)
                }
                let next = try store.pendingOperationTexts(limit: batchSize, after: batch.last?.position)
                let response: PushResponse
                switch await sending {
                case .success(let answer):
                    response = answer
                case .failure(.refused(status: 413, let message)):
                    if batch.count > 1 {
                        batchSize = max(1, batch.count / 2)
                        logger.info("The server refused a batch as too large; sending smaller ones.", metadata: ["size": "\(batchSize)"])
                        batch = try store.pendingOperationTexts(limit: batchSize)
                        continue
                    }
                    // One operation larger than the server accepts: set it aside rather than block the queue.
                    response = PushResponse(
                        results: [OperationResult(id: batch[0].id, status: .rejected, reason: "The operation is larger than the server accepts: \(message)")],
                        serverTime: try store.clock(), epoch: state.epoch
                    )
                case .failure(let error):
                    throw error
                }
                try check(response, answers: batch)
                let current = AnsweredBatch(operations: batch, response: response, bytes: body.count, took: ContinuousClock.now - started)
                if response.epoch != state.epoch {
                    logger.notice("The server was restored during the sync; every operation will be sent again.")
                    try state.changeEpoch(to: response.epoch)
                    try store.resendAllForNewEpoch(response.epoch)
                    counts.total = try store.pendingCount() + counts.done
                    try acknowledge(current, &state, &counts, progress: progress)
                    batch = try store.pendingOperationTexts(limit: batchSize)
                    continue
                }
                answered = current
                batch = next
            }
            if let previous = answered {
                try acknowledge(previous, &state, &counts, progress: progress)
            }
            // Reading on from the last batch skips what was queued ahead of it meanwhile (a
            // safeguarding concern recorded during the sync): the queue is done only when its front is.
            batch = try store.pendingOperationTexts(limit: batchSize)
        }
    }

    /// How far the push is, for progress.
    private struct PushCounts {
        var total: Int
        var done = 0
    }

    /// Records the server's answers to one batch in the store and in the summary.
    private func acknowledge(
        _ answered: AnsweredBatch, _ state: inout RunState, _ counts: inout PushCounts,
        progress: @Sendable (SyncProgress) -> Void
    ) throws {
        try store.acknowledge(answered.response.results, serverTime: answered.response.serverTime)
        for result in answered.response.results {
            state.summary.conflicts += result.conflicts
            let metadata: Logger.Metadata = ["operation": "\(result.id.lowercasedString)", "reason": "\(result.reason ?? "")"]
            switch result.status {
            case .applied:
                state.summary.pushed += 1
            case .held:
                state.summary.heldNow += 1
                logger.info("The server holds an operation until it has what it needs; it will be sent again.", metadata: metadata)
            case .rejected:
                state.summary.rejectedNow += 1
                logger.warning("The server rejected an operation; it is kept on this laptop with the reason.", metadata: metadata)
            }
        }
        counts.done += answered.operations.count
        counts.total = max(counts.total, counts.done)
        progress(.pushing(done: counts.done, total: counts.total))
        logger.info(
            "Pushed a batch.",
            metadata: ["operations": "\(answered.operations.count)", "bytes": "\(answered.bytes)", "took": "\(answered.took)"]
        )
    }

    private func pushOnce(_ body: Data) async -> Result<PushResponse, SyncError> {
        do {
            return .success(try await api.push(encoded: body))
        } catch {
            return .failure(error)
        }
    }

    /// The server must answer once for every operation of the batch, or nothing is acknowledged.
    private func check(_ response: PushResponse, answers batch: [PendingOperation]) throws(SyncError) {
        let sent = Set(batch.map(\.id))
        let answered = Set(response.results.map(\.id))
        guard sent == answered, response.results.count == batch.count else {
            throw .badAnswer("the push answer does not match the \(batch.count) operations sent")
        }
    }

    /// The `PushRequest` body, joined from the operations' stored JSON: decoding and encoding
    /// 100,000 operations again cost the client about 10 s of a sync.
    private func encode(_ batch: [PendingOperation]) -> Data {
        Data(PushRequest.json(device: store.deviceID, operationTexts: batch.lazy.map(\.json)))
    }

    // MARK: Pull

    /// Pulls pages until the server has no more; returns `false` when a new epoch means pushing again.
    ///
    /// The next page is requested while this one is applied, so the server, the network and the
    /// laptop work at once. Only the store's cursor says what was applied: a sync stopped between
    /// the two resumes after the last page committed, and a prefetched page is simply not used.
    private func pull(_ state: inout RunState, progress: @Sendable (SyncProgress) -> Void) async throws -> Bool {
        var cursor = try store.syncSettings().cursor
        var page = try await api.pull(cursor: cursor, limit: options.pageSize, device: store.deviceID)
        while true {
            if page.epoch != state.epoch {
                logger.notice("The server was restored during the sync; every operation will be sent again.")
                try state.changeEpoch(to: page.epoch)
                try store.resendAllForNewEpoch(page.epoch)
                return false
            }
            guard !page.more || page.cursor > cursor else {
                throw SyncError.badAnswer("the pull cursor did not move forward from \(cursor)")
            }
            let next = page.more ? prefetch(after: page.cursor) : nil
            do {
                try store.applyPulledPage(page)
            } catch {
                next?.cancel()
                throw error
            }
            cursor = page.cursor
            state.summary.pages += 1
            state.summary.pulled += page.forms.count + page.campaigns.count + page.visits.count + page.responses.count
            progress(.pulling(pages: state.summary.pages, records: state.summary.pulled))
            guard let next else { return true }
            page = try await next.value
        }
    }

    /// Starts requesting the page after `cursor`.
    private func prefetch(after cursor: Int64) -> Task<PullResponse, any Error> {
        let api = api, limit = options.pageSize, device = store.deviceID
        return Task { try await api.pull(cursor: cursor, limit: limit, device: device) }
    }
}

import Foundation

/// The engine's own record of a release: each cell's attempt, status, artifacts and build
/// time. The engine decides from it alone (may this cell be retried, is every cell final, what
/// do the release steps cover, how did the release end, what goes into the duration history),
/// never from an observer's `ReleaseState`, so a slow observer can neither stall nor steer it.
/// Every change is made before the event that announces it is emitted: a front end that reacts
/// to `cellFinished` (a retry on `r`) finds the engine already agreeing.
final class ReleaseLedger: @unchecked Sendable {
    struct Cell {
        var attempt = 1
        var status: CellStatus = .queued
        var error: String?
        /// Files the current attempt published (binary, archive, signatures).
        var artifacts: [ArtifactRecord] = []
        var buildSeconds: Double?
        /// The artifact cache entry the current attempt's binary came from, if it did.
        var cached: ArtifactCacheEntry?
    }

    // `lock` guards `cells`; `order` is immutable.
    private let lock = NSLock()
    private var cells: [String: Cell] = [:]
    private let order: [String]

    init(cells ids: [String]) {
        order = ids
        for id in ids { cells[id] = Cell() }
    }

    func cell(_ id: String) -> Cell? { lock.withLock { cells[id] } }

    func status(_ id: String) -> CellStatus? { lock.withLock { cells[id]?.status } }

    func attempt(_ id: String) -> Int { lock.withLock { cells[id]?.attempt ?? 1 } }

    func update(_ id: String, _ change: (inout Cell) -> Void) {
        lock.withLock {
            guard var cell = cells[id] else { return }
            change(&cell)
            cells[id] = cell
        }
    }

    /// Starts a new attempt of a failed or cancelled cell: returns its number, or nil when the
    /// cell is in no state to be retried.
    func beginRetry(_ id: String) -> Int? {
        lock.withLock {
            guard var cell = cells[id], cell.status == .failed || cell.status == .cancelled else { return nil }
            cell = Cell(attempt: cell.attempt + 1)
            cells[id] = cell
            return cell.attempt
        }
    }

    /// Records a file the cell's `attempt` published; a file of a superseded attempt is ignored.
    func add(_ artifacts: [ArtifactRecord], cell id: String, attempt: Int) {
        update(id) { cell in
            guard cell.attempt == attempt else { return }
            for artifact in artifacts {
                cell.artifacts.removeAll { $0.name == artifact.name }
                cell.artifacts.append(artifact)
            }
        }
    }

    func ids(with status: CellStatus) -> [String] {
        lock.withLock { order.filter { cells[$0]?.status == status } }
    }

    func count(_ status: CellStatus) -> Int { ids(with: status).count }

    /// The artifacts of the cells that succeeded, in plan order: what the release steps cover.
    func succeededArtifacts() -> [ArtifactRecord] {
        lock.withLock { order.compactMap { cells[$0] }.filter { $0.status == .succeeded }.flatMap(\.artifacts) }
    }

    /// The cache entries of succeeded cells whose binary came from the artifact cache, by cell id.
    func cachedBuilds() -> [String: ArtifactCacheEntry] {
        lock.withLock {
            var out: [String: ArtifactCacheEntry] = [:]
            for (id, cell) in cells where cell.status == .succeeded {
                if let entry = cell.cached { out[id] = entry }
            }
            return out
        }
    }

    /// Build seconds of the cells that succeeded (and built), for the duration history.
    func buildDurations() -> [String: Double] {
        lock.withLock {
            var out: [String: Double] = [:]
            for (id, cell) in cells where cell.status == .succeeded {
                if let seconds = cell.buildSeconds { out[id] = seconds }
            }
            return out
        }
    }
}

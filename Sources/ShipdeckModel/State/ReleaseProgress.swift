/// How far a release is and how long it still needs, estimated from the durations of earlier
/// releases (`ReleaseInfo.expectedSeconds`).
///
/// Each cell weighs what it took last time; a cell never seen weighs the median of the known
/// ones (or of the cells finished in this release when there is no history). The time left is a
/// replay of the scheduler: running cells keep their slot for what they still need, queued cells
/// take the next free slot, longest first, `parallelism` at a time.
public struct ReleaseProgress: Sendable, Equatable {
    /// 0…1 of the expected work done.
    public var fraction: Double
    /// Seconds left, nil when nothing is known to estimate from.
    public var remainingSeconds: Double?
    /// Cells final / all cells.
    public var finalCells: Int
    public var totalCells: Int

    public init(state: ReleaseState, now: Double) {
        let cells = state.cells
        totalCells = cells.count
        finalCells = cells.filter { $0.status.isFinal }.count
        var known = state.info?.expectedSeconds ?? [:]
        known = known.filter { id, seconds in seconds > 0 && state.cell(id) != nil }
        var typical = Self.median(Array(known.values))
        if typical == nil {
            typical = Self.median(cells.filter { $0.status == .succeeded && !$0.reused }.compactMap { $0.elapsed(now: now) })
        }
        guard totalCells > 0 else {
            fraction = 0
            remainingSeconds = nil
            return
        }
        guard let typical else {
            fraction = Double(finalCells) / Double(totalCells)
            remainingSeconds = finalCells == totalCells ? 0 : nil
            return
        }
        var total = 0.0, done = 0.0
        var building: [Double] = [], postBuild: [Double] = [], queued: [Double] = []
        for cell in cells {
            let expected = max(0.1, known[cell.id] ?? typical)
            total += expected
            switch cell.status {
            case .succeeded, .failed, .cancelled:
                done += expected
            case .running:
                let elapsed = cell.elapsed(now: now) ?? 0
                // A cell slower than last time is never "done" before it ends.
                done += min(elapsed, expected * 0.95)
                let left = max(expected - elapsed, expected * 0.05)
                if cell.stage?.holdsBuildSlot ?? true { building.append(left) } else { postBuild.append(left) }
            case .queued:
                queued.append(expected)
            }
        }
        fraction = total > 0 ? min(1, done / total) : 1
        let slots = max(1, state.info?.parallelism ?? max(1, building.count))
        remainingSeconds = Self.replay(building: building, postBuild: postBuild, queued: queued, slots: slots)
    }

    /// When the last of the work ends with `slots` builds at once: building cells keep their slot
    /// for what they still need, post-build work runs alongside, queued cells take the slot that
    /// frees up first, longest first.
    static func replay(building: [Double], postBuild: [Double], queued: [Double], slots: Int) -> Double {
        var free = Array(repeating: 0.0, count: max(1, slots))
        for (i, work) in building.sorted(by: >).enumerated() {
            if i < free.count { free[i] = work } else { free[free.count - 1 - (i % free.count)] += work }
        }
        var finish = max(postBuild.max() ?? 0, free.max() ?? 0)
        for work in queued.sorted(by: >) {
            let i = free.indices.min { free[$0] < free[$1] } ?? 0
            free[i] += work
            finish = max(finish, free[i])
        }
        return finish
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}

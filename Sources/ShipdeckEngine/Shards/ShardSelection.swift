import Foundation

/// Which part of a release one shard builds: `--shard N/M` or `--shard linux/amd64,linux/arm64`.
///
/// `N/M` splits the full plan's cells round-robin in plan order (the order of `targets:`): the cell
/// at 0-based position `i` goes to shard `i % M + 1`. Round-robin rather than contiguous blocks so
/// that each shard gets a mix of operating systems, and so that adding a target at the end moves
/// no other cell to another shard. Shards are numbered from 1, as people count CI jobs.
package enum ShardSelection: Sendable, Hashable, CustomStringConvertible {
    /// Shard `index` (1-based) of `count`.
    case slice(index: Int, count: Int)
    /// An explicit list of cell ids.
    case cells([String])

    /// Parses the `--shard` value.
    package init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let halves = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        if halves.count == 2, let index = Int(halves[0]), let count = Int(halves[1]) {
            guard count >= 1, index >= 1, index <= count else {
                throw ShipdeckError(
                    .usage, "--shard \(trimmed): the shard number must be between 1 and the shard count",
                    hint: "write N/M with 1 ≤ N ≤ M, e.g. --shard 1/4")
            }
            self = .slice(index: index, count: count)
            return
        }
        let ids = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !ids.isEmpty, ids.allSatisfy({ BuildTarget(parsing: $0) != nil }) else {
            throw ShipdeckError(
                .usage, "--shard '\(trimmed)' is neither N/M nor a comma-separated list of cell ids",
                hint: "write --shard 2/5 or --shard linux/amd64,linux/arm64")
        }
        self = .cells(ids)
    }

    package var description: String {
        switch self {
        case .slice(let index, let count): return "\(index)/\(count)"
        case .cells(let ids): return ids.joined(separator: ",")
        }
    }

    /// The part manifest's file name: `part-N-of-M.json`, or for a list of cells
    /// `part-<first 12 hex digits of the SHA-256 of the sorted ids>.json`.
    package var partFileName: String {
        switch self {
        case .slice(let index, let count): return "part-\(index)-of-\(count).json"
        case .cells(let ids):
            let key = FileDigest.sha256(data: Data(ids.sorted().joined(separator: "\n").utf8))
            return "part-\(key.prefix(12)).json"
        }
    }

    /// The ids of `all` (in plan order) that this shard builds. Unknown ids are an error; a
    /// slice with no cells (more shards than cells) is one too, since that shard would build nothing.
    package func select(from all: [String]) throws -> [String] {
        switch self {
        case .slice(let index, let count):
            let chosen = all.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
            guard !chosen.isEmpty else {
                throw ShipdeckError(
                    .usage,
                    "--shard \(self): the plan has only \(all.count) cells, so shard \(index) of \(count) is empty",
                    hint: "use at most \(all.count) shards")
            }
            return chosen
        case .cells(let ids):
            let unknown = ids.filter { !all.contains($0) }
            if !unknown.isEmpty {
                throw ShipdeckError(
                    .target, "--shard names \(unknown.joined(separator: ", ")), not in the plan",
                    hint: "planned cells: \(all.joined(separator: ", "))")
            }
            var seen: Set<String> = []
            let unique = ids.filter { seen.insert($0).inserted }
            return all.filter(unique.contains)
        }
    }
}

/// What a sharded plan remembers about the whole release, for its part manifest.
package struct ShardContext: Sendable, Hashable {
    package var selection: ShardSelection
    /// Every cell id of the full, unsharded plan, in plan order.
    package var allCells: [String]
    /// `ConfigFingerprint` of the full plan.
    package var configFingerprint: String

    package init(selection: ShardSelection, allCells: [String], configFingerprint: String) {
        self.selection = selection
        self.allCells = allCells
        self.configFingerprint = configFingerprint
    }
}

extension BuildPlan {
    /// This plan restricted to `selection`'s cells, remembering the whole release in `shard`;
    /// the plan itself when `selection` is nil.
    package func sharded(_ selection: ShardSelection?) throws -> BuildPlan {
        guard let selection else { return self }
        let all = cells.map(\.id)
        let chosen = Set(try selection.select(from: all))
        var plan = self
        plan.cells = cells.filter { chosen.contains($0.id) }
        plan.info.cells = info.cells.filter { chosen.contains($0.id) }
        plan.shard = ShardContext(selection: selection, allCells: all, configFingerprint: ConfigFingerprint.of(self))
        return plan
    }
}

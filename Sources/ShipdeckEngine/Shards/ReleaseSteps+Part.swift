import Foundation

extension ReleaseSteps {
    /// The only release-wide step of a shard run: the part manifest. Checksums, signatures,
    /// images and artifacts.json belong to the merge, which sees every part.
    func writePart(_ shard: ShardContext, cellArtifacts: [ArtifactRecord]) -> Bool {
        step(.manifest) {
            let built = Set(cellArtifacts.compactMap(\.cell))
            let missing = plan.cells.map(\.id).filter { !built.contains($0) }
            guard missing.isEmpty else {
                throw ShipdeckError(
                    .verify, "no part manifest written: \(missing.joined(separator: ", ")) did not succeed",
                    hint: "retry the failed cells; the merge needs every cell of this shard")
            }
            let manifest = PartManifest(
                shard: shard.selection.description, info: plan.info,
                configFingerprint: shard.configFingerprint, allCells: shard.allCells,
                cells: plan.cells.map(\.id), artifacts: cellArtifacts)
            let name = shard.selection.partFileName
            try dist.write(try manifest.encoded(), as: name)
            return "\(name): \(manifest.cells.count) cells, \(manifest.artifacts.count) artifacts"
        }
    }
}

import ShipdeckModel
import Testing

@testable import ShipdeckTUI

@Suite struct MatrixModelTests {
    func cell(_ id: String) -> CellInfo {
        let target = id.split(separator: ":").last.map(String.init) ?? id
        return CellInfo(id: id, target: BuildTarget(parsing: target)!, artifactBase: id)
    }

    @Test func oneCellPerTargetGivesGoosRowsAndGoarchColumns() {
        let m = MatrixModel(cells: ["linux/amd64", "linux/arm64", "darwin/arm64", "linux/arm/7"].map(cell))
        #expect(m.rows == ["linux", "darwin"])
        #expect(m.columns == ["amd64", "arm64", "arm/7"])
        #expect(m.ids == [["linux/amd64", "linux/arm64", "linux/arm/7"], [nil, "darwin/arm64", nil]])
    }

    /// GoReleaser's several builds of one target (cosign, sget): one row per build, nothing hidden.
    @Test func severalBuildsOfOneTargetGetARowEach() {
        let ids = ["cosign:linux/amd64", "cosign:darwin/amd64", "sget:linux/amd64", "cosign:linux/arm64"]
        let m = MatrixModel(cells: ids.map(cell))
        #expect(m.rows == ["linux cosign", "darwin cosign", "linux sget"])
        #expect(Set(m.orderedIDs) == Set(ids) && m.orderedIDs.count == ids.count)
        #expect(m.position(of: "sget:linux/amd64")! == (2, 0))
        #expect(m.move(from: "cosign:linux/amd64", dRow: 1, dColumn: 0) == "cosign:darwin/amd64")
    }

    /// Builds of different targets keep the plain GOOS rows (cli/cli: macos, linux, windows builds).
    @Test func buildsOfDifferentTargetsKeepGoosRows() {
        let m = MatrixModel(cells: ["macos:darwin/amd64", "linux:linux/amd64", "windows:windows/amd64"].map(cell))
        #expect(m.rows == ["darwin", "linux", "windows"])
    }

    /// Two cells of one target without build names still each get a place.
    @Test func cellsThatStillShareAPlaceGetFurtherRows() {
        let cells = [cell("linux/amd64"), CellInfo(id: "again", target: BuildTarget(goos: "linux", goarch: "amd64"), artifactBase: "x")]
        let m = MatrixModel(cells: cells)
        #expect(m.rows == ["linux", "linux (2)"])
        #expect(m.orderedIDs == ["linux/amd64", "again"])
    }
}

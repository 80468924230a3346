import Foundation

/// One planned cell: everything needed to run its pipeline, decided before anything runs.
package struct CellPlan: Sendable {
    public var info: CellInfo
    /// File name of the binary in dist/: `<project>_<version>_<goos>_<arch>[.exe]`.
    package var binaryName: String
    /// The binary's name inside an archive (`hello` / `hello.exe`).
    package var executableName: String
    package var archiveFormat: ArchiveConfig.Format
    /// `go` arguments, without `-o OUTPUT` and the package, which `goArguments(output:)` adds.
    package var buildArguments: [String]
    /// Variables this cell sets on top of the base environment (shown by `shipdeck plan`).
    package var cellEnvironment: [String: String]
    /// The child's whole environment.
    package var environment: [String: String]
    package var smoke: Bool
    /// The archive's file name in dist/ (from the name template), nil for the `binary` format.
    package var archiveName: String? = nil
    /// The directory the archive wraps its files in (`wrap_in_directory`), if any.
    package var archiveDirectory: String? = nil
    /// Set for a cell planned from a GoReleaser config (GoReleaser/GoReleaserPlanner.swift): its
    /// build's main package, hooks, dist/ path and archives.
    package var goreleaser: GoReleaserCell? = nil

    package var id: String { info.id }
    package var target: BuildTarget { info.target }

    package func goArguments(output: String, mainPackage: String) -> [String] {
        buildArguments + ["-o", output, mainPackage]
    }
}

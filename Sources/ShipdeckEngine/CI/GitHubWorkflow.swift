import Foundation

/// The GitHub Actions workflow `shipdeck ci github` writes (`.github/workflows/release.yml`):
/// a matrix job with one runner per shard, each running `shipdeck release --shard N/M` and
/// uploading its dist/ as an artifact, then one merge job that downloads every part and runs
/// `shipdeck merge`, and uploads the merged release.
///
/// How Shipdeck gets onto the runner is explicit, because there is no published binary to
/// download: by default each job clones `shipdeckGit` at `shipdeckRef` and builds it with the Swift
/// toolchain that GitHub's Ubuntu runners carry (plus the ncurses and zlib headers from apt).
/// `installCommand` replaces that step for projects that host their own Shipdeck binary.
package struct GitHubWorkflow: Sendable {
    package static let defaultPath = ".github/workflows/release.yml"
    package static let defaultShipdeckGit = "https://github.com/shipdeck/shipdeck.git"

    /// `--shard` values, one matrix entry (one runner) each.
    package var shards: [ShardSelection]
    /// Cells of each shard, written as a comment-free matrix field so job names say what they build.
    package var shardCells: [[String]]
    /// The module folder relative to the repository root; empty when the module is the root.
    package var moduleSubdirectory: String
    package var shipdeckGit: String
    package var shipdeckRef: String
    package var installCommand: String?
    package var runner: String

    package init(
        shards: [ShardSelection], shardCells: [[String]], moduleSubdirectory: String = "",
        shipdeckGit: String = GitHubWorkflow.defaultShipdeckGit, shipdeckRef: String = "v\(Shipdeck.version)",
        installCommand: String? = nil, runner: String = "ubuntu-latest"
    ) {
        self.shards = shards
        self.shardCells = shardCells
        self.moduleSubdirectory = moduleSubdirectory
        self.shipdeckGit = shipdeckGit
        self.shipdeckRef = shipdeckRef
        self.installCommand = installCommand
        self.runner = runner
    }

    /// Splits `plan` into `count` shards (`N/M`, round-robin as `ShardSelection` does).
    package static func forPlan(_ plan: BuildPlan, shardCount: Int, moduleSubdirectory: String) throws -> GitHubWorkflow
    {
        let ids = plan.cells.map(\.id)
        guard shardCount >= 1, shardCount <= ids.count else {
            throw ShipdeckError(
                .usage, "--shards \(shardCount): the plan has \(ids.count) cells",
                hint: "use between 1 and \(ids.count) shards")
        }
        let shards = (1...shardCount).map { ShardSelection.slice(index: $0, count: shardCount) }
        return GitHubWorkflow(
            shards: shards, shardCells: try shards.map { try $0.select(from: ids) },
            moduleSubdirectory: moduleSubdirectory)
    }

    /// The workflow file's text.
    package var yaml: String {
        let prefix = moduleSubdirectory.isEmpty ? "" : moduleSubdirectory + "/"
        var out = """
            # Written by `shipdeck ci github` (Shipdeck \(Shipdeck.version)). Regenerate it when targets change:
            # the shard list below is the plan split \(shards.count) ways.
            name: release
            'on':
              push:
                tags: ['v*']
              workflow_dispatch:
            permissions:
              contents: read
            env:
              SHIPDECK_GIT: \(Self.quote(shipdeckGit))
              SHIPDECK_REF: \(Self.quote(shipdeckRef))
            jobs:
              shard:
                name: shard ${{ matrix.shard }} (${{ matrix.cells }})
                runs-on: \(Self.quote(runner))
                strategy:
                  fail-fast: false
                  matrix:
                    include:

            """
        for (shard, cells) in zip(shards, shardCells) {
            let part = shard.partFileName.replacingOccurrences(of: ".json", with: "")
            out += "          - shard: \(Self.quote(shard.description))\n"
            out += "            part: \(Self.quote(part))\n"
            out += "            cells: \(Self.quote(cells.joined(separator: " ")))\n"
        }
        out += defaults(prefix)
        out += "    steps:\n"
        out += checkout + setupGo(prefix) + install
        out += """
                  - name: Build shard ${{ matrix.shard }}
                    run: shipdeck release --no-tui --shard "${{ matrix.shard }}" --dist dist
                  - name: Upload part ${{ matrix.shard }}
                    uses: actions/upload-artifact@v4
                    with:
                      name: shipdeck-${{ matrix.part }}
                      path: \(prefix)dist/
                      if-no-files-found: error
                      retention-days: 3
              merge:
                needs: shard
                runs-on: \(Self.quote(runner))

            """
        out += defaults(prefix)
        out += "    steps:\n"
        out += checkout + install
        out += """
                  - name: Download every part
                    uses: actions/download-artifact@v4
                    with:
                      pattern: shipdeck-part-*
                      path: ${{ github.workspace }}/parts
                  - name: Merge, checksum and sign
                    run: shipdeck merge "$GITHUB_WORKSPACE"/parts/* --dist dist
                  - name: Upload the release
                    uses: actions/upload-artifact@v4
                    with:
                      name: release
                      path: \(prefix)dist/
                      if-no-files-found: error

            """
        return out
    }

    private func defaults(_ prefix: String) -> String {
        guard !prefix.isEmpty else { return "" }
        return "    defaults:\n      run:\n        working-directory: \(Self.quote(moduleSubdirectory))\n"
    }

    private var checkout: String {
        """
              - uses: actions/checkout@v4
                with:
                  fetch-depth: 0

        """
    }

    private func setupGo(_ prefix: String) -> String {
        """
              - uses: actions/setup-go@v5
                with:
                  go-version-file: \(prefix)go.mod
                  cache: false

        """
    }

    /// The explicit install step (see the type's documentation).
    private var install: String {
        let script =
            installCommand ?? """
                sudo apt-get update -qq && sudo apt-get install -y -qq libncursesw5-dev zlib1g-dev
                git clone --depth 1 --branch "$SHIPDECK_REF" "$SHIPDECK_GIT" "$RUNNER_TEMP/shipdeck-src"
                swift build -c release --package-path "$RUNNER_TEMP/shipdeck-src" --product shipdeck
                echo "$RUNNER_TEMP/shipdeck-src/.build/release" >> "$GITHUB_PATH"
                """
        var out = "      - name: Install Shipdeck\n        run: |\n"
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            out += "          \(line)\n"
        }
        return out
    }

    /// A YAML single-quoted scalar (safe for any text: only `'` needs doubling).
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\n", with: " ") + "'"
    }
}

import Foundation

/// The GitHub Actions workflow `shipdeck ci github` writes (`.github/workflows/release.yml`):
/// a matrix job with one runner per shard, each running `shipdeck release --shard N/M` and
/// uploading its dist/ as an artifact, then one merge job that downloads every part and runs
/// `shipdeck merge`, and uploads the merged release.
///
/// How Shipdeck gets onto the runner is explicit, because there is no published binary to
/// download and no repository Shipdeck could assume: either each job clones `shipdeckGit` at
/// `shipdeckRef` and builds it with the Swift toolchain that GitHub's Ubuntu runners carry (plus the
/// ncurses, zlib and libdeflate headers from apt), or `installCommand` puts it on PATH.
///
/// With a `publish:` section the merge job runs `shipdeck publish`, with every variable the section
/// names (`publishVariables`: the GitHub token, the registry's username and password, the taps'
/// tokens) from the secret of the same name (`GITHUB_TOKEN` is the one GitHub gives every run).
/// With `publishTokenEnv` set (the config has `publish.github`) the job also gets
/// `permissions: contents: write`. `secretVariables` (the signers' `password_env`, `key_env`,
/// `pass_env`) come from `secrets.*` of the same names in every job that plans the release;
/// `needsZig` installs zig (PyPI `ziglang`) in the shard jobs when a cell uses cgo.
package struct GitHubWorkflow: Sendable {
    package static let defaultPath = ".github/workflows/release.yml"

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
    /// The variable `publish.github.token_env` names; nil when the config does not publish.
    package var publishTokenEnv: String?
    /// The variables the publish reads its secrets from; nil when the config does not publish.
    package var publishVariables: [String]?
    /// Environment variables the signers read, each passed from the secret of the same name.
    package var secretVariables: [String] = []
    /// A cell builds with cgo: the shard jobs install zig.
    package var needsZig = false
    /// `--config` of the release, merge and publish commands, relative to the module folder; nil
    /// for the default (shipdeck.yml or .goreleaser.yml in the module).
    package var configPath: String?

    package init(
        shards: [ShardSelection], shardCells: [[String]], moduleSubdirectory: String = "",
        shipdeckGit: String = "", shipdeckRef: String = "v\(Shipdeck.version)",
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
        var workflow = GitHubWorkflow(
            shards: shards, shardCells: try shards.map { try $0.select(from: ids) },
            moduleSubdirectory: moduleSubdirectory)
        workflow.publishTokenEnv = plan.config.publish?.github?.tokenEnv
        if let publish = plan.config.publish, !publish.isEmpty { workflow.publishVariables = publish.secretVariables }
        var secrets: [String] = []
        for signer in plan.config.signers {
            secrets += [signer.passwordEnv, signer.keyEnv].compactMap { $0 } + signer.passEnvironment
        }
        workflow.secretVariables = Array(Set(secrets)).sorted()
        workflow.needsZig = plan.cells.contains { $0.info.cgo }
        return workflow
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

            """
        if installCommand == nil {
            out += "env:\n  SHIPDECK_GIT: \(Self.quote(shipdeckGit))\n  SHIPDECK_REF: \(Self.quote(shipdeckRef))\n"
        }
        out += """
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
        out += environment(secretVariables)
        out += "    steps:\n"
        out += checkout + setupGo(prefix) + install
        if needsZig {
            out += "      - name: Install zig (cgo cells)\n        run: python3 -m pip install --user ziglang\n"
        }
        // The artifact cache (Cache/ArtifactCache.swift) kept between runs, one per shard: a cell
        // whose inputs did not change since the last run takes its binary from there. Its folder is
        // set explicitly (XDG_CACHE_HOME under runner.temp, outside the module, whose files are
        // part of every fingerprint); keys are immutable, so each run saves under its commit and
        // restores the newest of its shard.
        out += """
                  - name: Restore the artifact cache
                    uses: actions/cache@v4
                    with:
                      path: ${{ runner.temp }}/shipdeck-cache/shipdeck/artifacts
                      key: shipdeck-artifacts-${{ runner.os }}-${{ matrix.part }}-${{ github.sha }}
                      restore-keys: |
                        shipdeck-artifacts-${{ runner.os }}-${{ matrix.part }}-
                  - name: Build shard ${{ matrix.shard }}
                    run: shipdeck release --no-tui --shard "${{ matrix.shard }}" --dist dist\(configFlag)
                    env:
                      XDG_CACHE_HOME: ${{ runner.temp }}/shipdeck-cache
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
        if publishTokenEnv != nil { out += "    permissions:\n      contents: write\n" }
        out += defaults(prefix)
        out += environment(secretVariables)
        out += "    steps:\n"
        out += checkout + install
        out += """
                  - name: Download every part
                    uses: actions/download-artifact@v4
                    with:
                      pattern: shipdeck-part-*
                      path: ${{ github.workspace }}/parts
                  - name: Merge, checksum and sign
                    run: shipdeck merge "$GITHUB_WORKSPACE"/parts/* --dist dist\(configFlag)
                  - name: Upload the release
                    uses: actions/upload-artifact@v4
                    with:
                      name: release
                      path: \(prefix)dist/
                      if-no-files-found: error

            """
        if let variables = publishVariables {
            out += """
                      - name: Publish the release
                        run: shipdeck publish dist --no-tui\(configFlag)

                """
            if !variables.isEmpty {
                out += "        env:\n" + variables.map { "          \($0): ${{ secrets.\($0) }}\n" }.joined()
            }
        }
        return out
    }

    private var configFlag: String { configPath.map { " --config \($0)" } ?? "" }

    /// `env:` of a job: each variable from the secret of the same name.
    private func environment(_ names: [String]) -> String {
        guard !names.isEmpty else { return "" }
        return "    env:\n" + names.map { "      \($0): ${{ secrets.\($0) }}\n" }.joined()
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
                sudo apt-get update -qq && sudo apt-get install -y -qq libncursesw5-dev zlib1g-dev libdeflate-dev
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

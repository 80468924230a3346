import Foundation

/// Options that come from the command line rather than the config.
public struct PlanOptions: Sendable {
    public var moduleDirectory: URL
    public var distDirectory: URL?
    public var configPath: URL?
    public var goFlag: String?
    public var versionOverride: String?
    public var environment: [String: String]
    /// Restrict the release to these cell ids (`--target`).
    public var only: [String] = []
    /// `--snapshot` / `--auto-snapshot` (snapshot when the git tree is dirty): GoReleaser configs'
    /// `snapshot.version_template` names the version.
    public var snapshot = false
    public var autoSnapshot = false
    /// Hash the source tree while planning (`BuildPlan.sourceTree`): a release does, since every
    /// cell's fingerprint needs it; `plan`, `check` and `ci` do not walk the tree.
    package var hashSourceTree = false

    public init(moduleDirectory: URL, distDirectory: URL? = nil, configPath: URL? = nil, goFlag: String? = nil,
                versionOverride: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.moduleDirectory = moduleDirectory
        self.distDirectory = distDirectory
        self.configPath = configPath
        self.goFlag = goFlag
        self.versionOverride = versionOverride
        self.environment = environment
    }
}

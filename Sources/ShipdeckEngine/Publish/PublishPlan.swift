import Foundation

/// Everything a publish will do, known before anything leaves the machine: the verified folder, the
/// token (present, never shown), the tag, the notes and the units in order.
package struct PublishPlan: Sendable {
    /// nil when the config publishes only images and taps (no `publish.github`).
    package var github: GitHubPublishConfig?
    /// nil only in a dry run without the variable set.
    package var token: SecretValue?
    package var project: String
    package var version: String
    package var tag: String
    package var notes: String?
    package var notesSource: String?
    package var prerelease: Bool
    package var assets: [PublishAsset]
    /// How many files verified, and how long it took (the verify unit's result).
    package var verifiedFiles: Int
    package var verifySeconds: Double
    /// Registry, Homebrew and Scoop (PublishPhase+Targets).
    package var targets = PublishTargets()

    package static let verifyUnit = "verify"
    package static let releaseUnit = "github:release"
    package static let publishUnit = "github:publish"

    package var units: [PublishUnitInfo] {
        var units = [PublishUnitInfo(id: Self.verifyUnit, target: "verify", title: "verify dist/")]
        guard github != nil else { return units + targets.unitsBeforePublish + targets.unitsAfterPublish }
        units.append(PublishUnitInfo(id: Self.releaseUnit, target: "github", title: "draft release \(tag)"))
        units += assets.map {
            PublishUnitInfo(id: $0.unitID, target: "github", title: $0.name, bytes: $0.size, sha256: $0.sha256)
        }
        units += targets.unitsBeforePublish
        units.append(PublishUnitInfo(id: Self.publishUnit, target: "github", title: "publish release \(tag)"))
        units += targets.unitsAfterPublish
        return units
    }
}

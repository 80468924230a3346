import ArgumentParser
import Foundation
import ShipdeckEngine

/// `shipdeck check`: like `goreleaser check`, reads and plans the config (templates, targets,
/// names) without building, and lists every key Shipdeck does not support with what it does instead.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the config (shipdeck.yml or a GoReleaser file) and list the keys Shipdeck does not support.",
        discussion: """
            Exit status: 0 the config is valid and Shipdeck supports all of it; 1 it is valid but has \
            unsupported keys (listed, each with its path and what Shipdeck does instead); 2 it is not valid.
            """)

    @OptionGroup var planning: PlanningOptions

    func run() throws {
        let plan: BuildPlan = try PlanBuilder.plan(planning.planOptions(), preparingSigners: false)
        let e = UntrustedText.escape
        let report = ConfigCheck(plan: plan)
        print("config: \(e(report.file)) (\(report.kind))")
        print("valid: \(plan.cells.count) cell\(plan.cells.count == 1 ? "" : "s") planned, \(report.artifactNames.count) release file\(report.artifactNames.count == 1 ? "" : "s")")
        // What the plan warns about (dropped targets, a pinned toolchain that is not the one in use, a
        // GOTOOLCHAIN that is not used …); the unsupported keys come below, with what is done instead.
        let warnings = plan.warnings.filter { !$0.contains(" is not supported") }
        if !warnings.isEmpty {
            print("warnings (\(warnings.count)):")
            for warning in warnings { print("  ! \(e(warning))") }
        }
        if report.unsupported.isEmpty {
            print("every key is supported")
            return
        }
        print("unsupported keys (\(report.unsupported.count)):")
        for item in report.unsupported { print("  \(e(item.path)): \(e(item.instead))") }
        throw ExitCode(ExitStatus.failed)
    }
}

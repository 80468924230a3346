import ArgumentParser
import Foundation
import ShipdeckEngine

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the build matrix and, per cell, the exact go command and environment. Runs nothing.")

    @OptionGroup var planning: PlanningOptions

    func run() throws {
        let plan: BuildPlan = try PlanBuilder.plan(planning.planOptions(), preparingSigners: false)
        print(PlanText.render(plan), terminator: "")
    }
}

/// The text `shipdeck plan` prints.
enum PlanText {
    static func render(_ plan: BuildPlan) -> String {
        let e = UntrustedText.escape
        let info = plan.info
        var out = ""
        out += "Plan: \(e(info.project)) \(e(info.version))"
        out += info.shortCommit.map { " (commit \($0))" } ?? ""
        out += "\n"
        out += "  go:      \(e(plan.toolchain.version)) at \(e(plan.toolchain.path))\n"
        out += "  module:  \(e(plan.moduleDirectory.path)) (\(e(plan.source.modulePath)))\n"
        out += "  config:  \(e(plan.config.path ?? "none (zero config)"))"
        if let project = plan.config.goreleaser { out += " (GoReleaser config, version \(project.schemaVersion))" }
        out += "\n"
        out += "  dist:    \(e(plan.distDirectory.path))\n"
        out += "  SOURCE_DATE_EPOCH=\(info.sourceDateEpoch)\n"
        out += "\nCells (\(plan.cells.count)):\n"
        let distRel = relative(plan.distDirectory, to: plan.moduleDirectory)
        for cell in plan.cells {
            out += "\n  \(cell.id)  →  \(e(cell.binaryName))"
            if let g = cell.goreleaser {
                for archive in g.archives { out += " + \(e(archive.name))" + (archive.wrap.isEmpty ? "" : " (in \(e(archive.wrap))/)") }
                if !g.preHooks.isEmpty || !g.postHooks.isEmpty {
                    out += "  [hooks: \(g.preHooks.count) pre, \(g.postHooks.count) post]"
                }
            } else if cell.archiveFormat != .binary {
                out += " + \(e(cell.archiveName ?? ".\(cell.archiveFormat.rawValue)"))"
                if let directory = cell.archiveDirectory { out += " (in \(e(directory))/)" }
            }
            if cell.info.cgo { out += "  [cgo]" }
            if cell.smoke { out += "  [smoke]" }
            out += "\n"
            out += "    env: \(cell.cellEnvironment.sorted { $0.key < $1.key }.map { "\($0.key)=\(ShellQuoting.quote($0.value))" }.joined(separator: " ").escaped)\n"
            let args = cell.goArguments(output: "\(distRel)/\(cell.binaryName)", mainPackage: cell.goreleaser?.mainPackage ?? plan.mainPackage)
            out += "    cmd: \(([plan.toolchain.path] + args).map(ShellQuoting.quote).joined(separator: " ").escaped)\n"
            let packages = plan.packageFiles(of: cell.id)
            if !packages.isEmpty { out += "    packages: \(packages.map(e).joined(separator: ", "))\n" }
        }
        let base = PlanBuilder.baseEnvironment([:]).keys.sorted()
        out += "\nEvery child gets only these variables from the environment: "
        out += PlanBuilder.inheritedVariables.joined(separator: " ")
        out += "; plus \(base.filter { !PlanBuilder.inheritedVariables.contains($0) }.map { "\($0)=\(PlanBuilder.baseEnvironment([:])[$0]!)" }.joined(separator: " ")).\n"
        let tuned = CompilerGarbageCollection.environment([:])
        out += "go build also gets \(CompilerGarbageCollection.variables.map { "\($0)=\(tuned[$0]!)" }.joined(separator: " ")) "
            + "(fewer garbage collections in go's compile and link; never a different binary) unless either is set; "
            + GoThreads.description + ".\n"
        if !info.signers.isEmpty {
            out += "\nSigners (checked when a release starts):\n"
            for signer in info.signers { out += "  \(e(signer))\n" }
        }
        if !plan.config.ignored.isEmpty {
            out += "\nDropped by ignore rules:\n"
            for (target, rule) in plan.config.ignored { out += "  \(target)  (rule: \(e(rule)))\n" }
        }
        if let g = plan.goreleaser {
            if !g.beforeHooks.isEmpty {
                out += "\nBefore hooks (run once, before any cell):\n"
                for hook in g.beforeHooks { out += "  \(hook.arguments.map(ShellQuoting.quote).joined(separator: " ").escaped)\n" }
            }
            for archive in g.sharedArchives {
                out += "\nArchive of several builds: \(e(archive.name)) (\(archive.binaries.map { e($0.cell) }.joined(separator: ", ")))\n"
            }
        }
        if !plan.warnings.isEmpty {
            out += "\nWarnings:\n"
            for warning in plan.warnings { out += "  ! \(e(warning))\n" }
        }
        return out
    }

    static func relative(_ url: URL, to base: URL) -> String {
        let path = url.path, basePath = base.path
        if path.hasPrefix(basePath + "/") { return String(path.dropFirst(basePath.count + 1)) }
        return path
    }
}

extension String {
    var escaped: String { UntrustedText.escape(self) }
}

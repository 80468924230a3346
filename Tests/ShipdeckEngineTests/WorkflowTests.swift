import Foundation
import Testing
import Yams

@testable import ShipdeckEngine

/// The GitHub workflow text parses as YAML and says what each job runs.
@Suite struct WorkflowTests {
    func parse(_ workflow: GitHubWorkflow) throws -> [String: Any] {
        try #require(try Yams.load(yaml: workflow.yaml) as? [String: Any])
    }

    func job(_ doc: [String: Any], _ name: String) throws -> [String: Any] {
        try #require((doc["jobs"] as? [String: Any])?[name] as? [String: Any])
    }

    @Test func shardsAndCellsGoIntoTheMatrix() throws {
        let shards = [ShardSelection.slice(index: 1, count: 2), .slice(index: 2, count: 2)]
        let workflow = GitHubWorkflow(shards: shards, shardCells: [["linux/amd64", "darwin/amd64"], ["linux/arm64"]])
        let doc = try parse(workflow)
        let include = try #require(
            ((try job(doc, "shard")["strategy"] as? [String: Any])?["matrix"] as? [String: Any])?["include"]
                as? [[String: String]])
        #expect(
            include == [
                ["shard": "1/2", "part": "part-1-of-2", "cells": "linux/amd64 darwin/amd64"],
                ["shard": "2/2", "part": "part-2-of-2", "cells": "linux/arm64"],
            ])
        #expect(try job(doc, "merge")["needs"] as? String == "shard")
        #expect((doc["on"] as? [String: Any])?["push"] != nil)
        #expect((doc["permissions"] as? [String: String]) == ["contents": "read"])
    }

    @Test func installationIsExplicitAndQuotedSafely() throws {
        var workflow = GitHubWorkflow(shards: [.slice(index: 1, count: 1)], shardCells: [["linux/amd64"]])
        workflow.shipdeckGit = "https://example.com/it's/shipdeck.git"
        workflow.shipdeckRef = "main"
        let doc = try parse(workflow)
        let env = try #require(doc["env"] as? [String: String])
        #expect(env["SHIPDECK_GIT"] == "https://example.com/it's/shipdeck.git")
        #expect(env["SHIPDECK_REF"] == "main")
        let steps = try #require(try job(doc, "merge")["steps"] as? [[String: Any]])
        let install = try #require(steps.first { $0["name"] as? String == "Install Shipdeck" }?["run"] as? String)
        #expect(install.contains("git clone --depth 1 --branch \"$SHIPDECK_REF\" \"$SHIPDECK_GIT\""))
        #expect(install.contains("$GITHUB_PATH"))
        // Every system library Package.swift builds against is installed first (libdeflate was once missed).
        let manifest = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Package.swift"), encoding: .utf8)
        let aptPackages = manifest.components(separatedBy: ".apt([").dropFirst().flatMap { part in
            part.prefix(while: { $0 != "]" }).split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
        }
        #expect(aptPackages.count >= 3, "\(aptPackages)")
        for package in aptPackages { #expect(install.contains(" \(package)"), "the install step lacks \(package)") }
    }

    @Test func aShardCountAboveTheCellCountIsRefused() throws {
        var config = ShipdeckConfig()
        config.targets = [TargetConfig(target: BuildTarget(goos: "linux", goarch: "amd64"))]
        let toolchain = GoToolchain(
            path: "/usr/local/bin/go", version: "go1.27.3", ports: ["linux/amd64": true],
            hostTarget: BuildTarget(goos: "linux", goarch: "amd64"))
        let source = SourceInfo(moduleDirectory: "/tmp", modulePath: "example.com/tool", commit: "abc", commitTime: 1)
        let plan = try PlanBuilder.plan(
            config: config, source: source, toolchain: toolchain,
            options: PlanOptions(moduleDirectory: URL(fileURLWithPath: "/tmp"), environment: [:]))
        #expect(throws: ShipdeckError.self) { try GitHubWorkflow.forPlan(plan, shardCount: 2, moduleSubdirectory: "") }
        #expect(try GitHubWorkflow.forPlan(plan, shardCount: 1, moduleSubdirectory: "").shards.count == 1)
    }
}

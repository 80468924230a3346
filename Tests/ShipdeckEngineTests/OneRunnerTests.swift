import Foundation
import Testing

/// "One process runner" as a fact about the sources: no file under Sources/ starts a process
/// except the runner's own (Process/ProcessRunner.swift, which spawns, and the C side it calls).
@Suite struct OneRunnerTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")

    /// Files allowed to start processes, relative to Sources/.
    static let runnerFiles: Set<String> = [
        "ShipdeckEngine/Process/ProcessRunner.swift", "ShipdeckEngine/Process/ProcessSupervisor.swift",
        "CShipdeckPOSIX/spawn.c", "CShipdeckPOSIX/spawn_io.c", "CShipdeckPOSIX/supervisor.c",
        "CShipdeckPOSIX/include/CShipdeckPOSIX.h",
        // The dashboard's `o`: the pager is the one child that must own the terminal (its own process
        // group made the terminal's foreground), which the runner's children never get; the TUI
        // cannot see the engine.
        "ShipdeckTUI/Terminal/Pager.swift", "CNCursesW/shim_input.h",
    ]

    /// Ways to start a process from Swift or C.
    static let spawners = [
        #"\bposix_spawnp?\s*\("#, #"\bshipdeck_spawn(_io)?\s*\("#, #"\bshipdeck_supervisor_start\s*\("#,
        #"\b(v?fork|execv[pe]?|execl[pe]?|execve|system|popen|clone3?)\s*\("#, #"\bProcess\s*\(\s*\)"#,
        #"\bFoundation\.Process\b"#, #"\bNSTask\b"#, #"\.executableURL\s*="#, #"\bProcess\.run\b"#,
        #"\bPosixSpawn\b"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    @Test func noFileOutsideTheRunnerStartsAProcess() throws {
        let enumerator = try #require(FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil))
        var offenders: [String] = []
        var scanned = 0
        for case let url as URL in enumerator where ["swift", "c", "h"].contains(url.pathExtension) {
            let relative = String(url.path.dropFirst(Self.sources.path.count + 1))
            guard !Self.runnerFiles.contains(relative) else { continue }
            scanned += 1
            let text = try String(contentsOf: url, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") || code.hasPrefix("*") || code.hasPrefix("/*") { continue }
                let range = NSRange(code.startIndex..., in: code)
                if Self.spawners.contains(where: { $0.firstMatch(in: code, range: range) != nil }) {
                    offenders.append("\(relative):\(number + 1): \(code)")
                }
            }
        }
        #expect(scanned > 100, "scanned only \(scanned) files under \(Self.sources.path)")
        #expect(offenders.isEmpty, "processes started outside the runner:\n\(offenders.joined(separator: "\n"))")
    }

    /// The patterns do find spawns: each of these lines would be reported.
    @Test func thePatternsCatchEachWayOfSpawning() {
        let samples = [
            "let p = Process()", "posix_spawn(&pid, path, nil, nil, argv, envp)", "let pid = fork()",
            "execvp(argv[0], argv)", "system(\"ls\")", "popen(cmd, \"r\")", "task.executableURL = url",
            "shipdeck_spawn_io(path, a, e, dir, -1, fd, &pid)",
        ]
        for sample in samples {
            let range = NSRange(sample.startIndex..., in: sample)
            #expect(Self.spawners.contains { $0.firstMatch(in: sample, range: range) != nil }, "\(sample)")
        }
        let harmless = ["let processed = 1", "ProcessRunner().run(command)", "ProcessSpec(executable: go)"]
        for sample in harmless {
            let range = NSRange(sample.startIndex..., in: sample)
            #expect(!Self.spawners.contains { $0.firstMatch(in: sample, range: range) != nil }, "\(sample)")
        }
    }
}

import Foundation

/// How the garbage collector of go's own tools (compile, asm, link: Go programs that `go build`
/// starts by the hundred) is set for a release's builds.
///
/// A cold build spends part of its CPU collecting garbage in short-lived compile processes that
/// exit soon after. With `GOGC` at `percent` they collect several times less often:
/// in cold releases of Examples/hello (BENCHMARKS.md, row k) that cut go's CPU by about 7% for the
/// same binaries; GOGC 400 saved about 5%, and 1600 or off no more than 800 within the spread, at
/// 1.5× the peak memory. `GOMEMLIMIT` keeps one process from growing past `limit(memory:cores:)`
/// however large its heap gets, so a huge package is collected more often rather than allowed to
/// take 9× its live heap.
///
/// Neither variable can change what go writes (the bench compares the binaries' checksums, and go
/// keeps them out of its cache keys), so they are also left out of the cell fingerprint. A user who
/// sets either one (in the environment or in the config's `env:`) gets exactly that, and Shipdeck
/// adds nothing.
package enum CompilerGarbageCollection {
    /// GOGC for go's tools; go's default is 100 (plus a 128 MiB first heap goal in compile).
    package static let percent = 800
    /// The smallest GOMEMLIMIT set, whatever the machine.
    package static let floor: UInt64 = 1 << 30

    /// The variables the user controls; when either is set, nothing is added.
    package static let variables = ["GOGC", "GOMEMLIMIT"]

    /// `environment` plus GOGC and GOMEMLIMIT, unless it already has either.
    package static func environment(_ environment: [String: String],
                                    memory: UInt64 = availableMemory,
                                    cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> [String: String] {
        guard !variables.contains(where: { environment[$0] != nil }) else { return environment }
        var env = environment
        env["GOGC"] = String(percent)
        env["GOMEMLIMIT"] = "\(limit(memory: memory, cores: cores) >> 20)MiB"
        return env
    }

    /// The machine's memory, or the container's when a cgroup limits it to less (cgroup v2
    /// `memory.max`, v1 `memory.limit_in_bytes`): a CI container must not be sized as its host.
    package static let availableMemory: UInt64 = {
        let physical = ProcessInfo.processInfo.physicalMemory
        let limits = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"].compactMap { path in
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        return min(physical, limits.min() ?? physical)
    }()

    /// One process's soft memory limit: an equal share of half the machine's memory for twice as
    /// many processes as cores (go runs up to `-p` = cores compiles at once, and cells overlap),
    /// but never under `floor`.
    package static func limit(memory: UInt64, cores: Int) -> UInt64 {
        max(floor, memory / 2 / UInt64(max(1, cores) * 2))
    }
}

import Foundation

/// How many threads go and its tools get when several cells build at once.
///
/// A lone `go build` runs up to `-p` = GOMAXPROCS = cores compiles at once, and gives each compile
/// backend threads of its own (`-c`, from the go command's GOMAXPROCS). Two builds on 2 cores thus
/// run up to 4 compiles of 2 backend threads each, and every compile and link has a garbage
/// collector with a worker per core: more runnable threads than cores, for work that the cells
/// already spread over the cores. With `GOMAXPROCS` at the build's share of the cores (inherited by
/// compile and link) and `-p` kept at the cores, the builds still overlap packages as before but
/// without the extra threads: in cold releases of Examples/hello for 9 targets on 2 cores
/// (BENCHMARKS.md, row k) that took about 5% less CPU for the same binaries.
///
/// A build that has the machine to itself keeps go's defaults: there `-c` and the linker's threads
/// use cores nothing else wants. The scheduler counts the last cell to start as alone: the builds
/// beside it started earlier and end first (on 9 targets and 2 cores it built alone 5 of its 6 s).
///
/// Neither `-p` nor GOMAXPROCS can change what go writes (go records neither in the binary, and
/// keeps both out of its cache keys), so both are added at spawn and left out of the cell
/// fingerprint. A user who sets GOMAXPROCS (the config's `env:`) or `-p` (`flags:`, GOFLAGS) gets
/// exactly that, and Shipdeck adds nothing.
package enum GoThreads {
    /// `arguments` (go's, "build" first) and `environment` for a build running while `buildsAtOnce`
    /// builds share `cores` cores (itself included).
    package static func apply(arguments: [String], environment: [String: String], buildsAtOnce: Int,
                              cores: Int = ProcessInfo.processInfo.activeProcessorCount)
        -> (arguments: [String], environment: [String: String])
    {
        guard buildsAtOnce > 1, cores > 0, environment["GOMAXPROCS"] == nil, arguments.first == "build",
              !setsBuildParallelism(arguments), !setsBuildParallelism(goflags(environment))
        else { return (arguments, environment) }
        var env = environment
        env["GOMAXPROCS"] = String(max(1, cores / buildsAtOnce))
        return (["build", "-p", String(cores)] + arguments.dropFirst(), env)
    }

    /// What `shipdeck plan` says of this.
    package static let description =
        "when several cells build at once, each go build also gets GOMAXPROCS at its share of the cores and "
        + "-p at the cores (the same compiles side by side, without threads of their own for every core; "
        + "never a different binary) "
        + "unless GOMAXPROCS or -p is set; the last cell to start, which ends alone, keeps go's defaults"

    /// Whether go arguments hold `-p N`, `-p=N` (or the `--p` spellings go's flag package takes too).
    static func setsBuildParallelism(_ arguments: [String]) -> Bool {
        arguments.contains { $0 == "-p" || $0 == "--p" || $0.hasPrefix("-p=") || $0.hasPrefix("--p=") }
    }

    private static func goflags(_ environment: [String: String]) -> [String] {
        (environment["GOFLAGS"] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
    }
}

import Foundation
import Testing

@testable import ShipdeckEngine

/// When several cells build at once, each go build gets GOMAXPROCS at its share of the cores and
/// `-p` at the cores, unless the user set either; a build alone keeps go's defaults.
@Suite struct GoThreadsTests {
    let build = ["build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w", "-o", "out/hello", "."]

    @Test func buildsSharingTheCoresGetTheirShare() {
        let two = GoThreads.apply(arguments: build, environment: ["PATH": "/usr/bin"], buildsAtOnce: 2, cores: 2)
        #expect(two.arguments == ["build", "-p", "2"] + build.dropFirst())
        #expect(two.environment == ["PATH": "/usr/bin", "GOMAXPROCS": "1"])
        let eight = GoThreads.apply(arguments: build, environment: [:], buildsAtOnce: 2, cores: 16)
        #expect(eight.environment["GOMAXPROCS"] == "8" && eight.arguments.prefix(3) == ["build", "-p", "16"])
        // More builds than cores (--parallelism 4 on 2, or the extra slot of short builds): one thread each, never 0.
        #expect(GoThreads.apply(arguments: build, environment: [:], buildsAtOnce: 3, cores: 2).environment["GOMAXPROCS"] == "1")
        #expect(GoThreads.apply(arguments: build, environment: [:], buildsAtOnce: 5, cores: 4).environment["GOMAXPROCS"] == "1")
    }

    @Test func aBuildAloneKeepsGoDefaults() {
        let alone = GoThreads.apply(arguments: build, environment: ["GOOS": "linux"], buildsAtOnce: 1, cores: 2)
        #expect(alone.arguments == build && alone.environment == ["GOOS": "linux"])
    }

    @Test func theUsersSettingWins() {
        // GOMAXPROCS from the config's env, or -p in flags or GOFLAGS: nothing is added, not even the other one.
        for environment in [["GOMAXPROCS": "3"], ["GOFLAGS": "-mod=mod -p=1"], ["GOFLAGS": "-p 4"]] {
            let kept = GoThreads.apply(arguments: build, environment: environment, buildsAtOnce: 2, cores: 2)
            #expect(kept.arguments == build && kept.environment == environment, "\(environment)")
        }
        for flags in [["-p", "1"], ["-p=3"], ["--p=2"]] {
            let arguments = ["build"] + flags + ["-o", "x", "."]
            let kept = GoThreads.apply(arguments: arguments, environment: [:], buildsAtOnce: 2, cores: 2)
            #expect(kept.arguments == arguments && kept.environment.isEmpty, "\(flags)")
        }
        // -pgo and -pkgdir are other flags.
        let pgo = GoThreads.apply(arguments: ["build", "-pgo=off", "-pkgdir", "/p", "."], environment: [:], buildsAtOnce: 2, cores: 2)
        #expect(pgo.arguments == ["build", "-p", "2", "-pgo=off", "-pkgdir", "/p", "."])
        // Not a build (another go command): left alone.
        let test = GoThreads.apply(arguments: ["test", "-c", "."], environment: [:], buildsAtOnce: 2, cores: 2)
        #expect(test.arguments == ["test", "-c", "."] && test.environment.isEmpty)
    }
}

import Foundation
import Testing
@testable import ShipdeckEngine

/// Formulas are checked by the real Ruby: `ruby -c` for syntax, and a small Ruby harness that
/// loads the formula with a stand-in `Formula` base class to read back what each block declares.
@Suite struct HomebrewFormulaTests {
    static let ruby = "/usr/bin/ruby"

    /// Loads `formula` in Ruby with a recording `Formula` class and returns what it declared:
    /// desc, homepage, version, license, and per (os, cpu, 64-bit) the url and sha256.
    func evaluate(_ formula: String, cpu64: Bool = true) throws -> [String: Any] {
        let dir = PublishTestSupport.temporaryDirectory("brew")
        defer { try? FileManager.default.removeItem(at: dir) }
        try formula.write(to: dir.appendingPathComponent("f.rb"), atomically: true, encoding: .utf8)
        let harness = #"""
            require "json"
            module Hardware; module CPU; def self.is_64_bit?; ENV["CPU64"] == "1"; end; end; end
            class Formula
              @@out = { "sources" => [] }
              @@ctx = []
              %w[desc homepage version license].each do |m|
                define_singleton_method(m) { |v| @@out[m] = v }
              end
              def self.url(v); @@src = { "where" => @@ctx.join("/"), "url" => v }; end
              def self.sha256(v); @@src["sha256"] = v; @@out["sources"] << @@src; end
              { "on_macos" => "macos", "on_linux" => "linux", "on_intel" => "intel", "on_arm" => "arm" }.each do |m, w|
                define_singleton_method(m) { |&b| @@ctx.push(w); b.call; @@ctx.pop }
              end
              def self.test(&b); @@test = b; end
              def self.out; @@out; end
              def self.test_block; @@test; end
              # What install and test see: bin (a path that records install), version, shell_output.
              class Bin
                def to_s; "/BIN"; end
                def install(*args); Formula.out["installed"] = args.map(&:to_s); end
              end
              def bin; Bin.new; end
              def version; Formula.out["version"]; end
              def shell_output(command); Formula.out["test_command"] = command; "hello #{version}\n"; end
              def assert_match(expected, actual); Formula.out["test_passes"] = actual.include?(expected); end
            end
            load ARGV[0]
            klass = Object.const_get(ARGV[1])
            raise "not a Formula" unless klass < Formula
            formula = klass.allocate
            formula.install
            formula.instance_eval(&Formula.test_block)
            puts JSON.generate(Formula.out)
            """#
        try harness.write(to: dir.appendingPathComponent("h.rb"), atomically: true, encoding: .utf8)
        let className = String(formula.split(separator: "\n").first { $0.hasPrefix("class ") }!.split(separator: " ")[1])
        let out = PublishTestSupport.run(
            Self.ruby, ["h.rb", "f.rb", className], in: dir, environment: ["CPU64": cpu64 ? "1" : "0"])
        try #require(out.status == 0, "\(out.output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(out.output.utf8)) as? [String: Any])
    }

    @Test func rubyAcceptsTheFormulaSyntax() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.ruby), "ruby is missing: run scripts/bootstrap")
        let formula = try HomebrewFormula(release: PublishTestSupport.sampleRelease()).render()
        let dir = PublishTestSupport.temporaryDirectory("brew")
        defer { try? FileManager.default.removeItem(at: dir) }
        try formula.write(to: dir.appendingPathComponent("hello.rb"), atomically: true, encoding: .utf8)
        let check = PublishTestSupport.run(Self.ruby, ["-c", "hello.rb"], in: dir)
        #expect(check.status == 0 && check.output.contains("Syntax OK"), "\(check.output)\n\(formula)")
    }

    @Test func eachPlatformBlockHoldsItsOwnArchiveAndHash() throws {
        let release = PublishTestSupport.sampleRelease()
        let formula = try HomebrewFormula(release: release).render()
        let declared = try evaluate(formula)
        #expect(declared["desc"] as? String == "Says hello")
        #expect(declared["homepage"] as? String == "https://example.com/hello")
        #expect(declared["version"] as? String == "1.2.3")
        #expect(declared["license"] as? String == "MIT")
        #expect(declared["installed"] as? [String] == ["hello"])
        #expect(declared["test_command"] as? String == "/BIN/hello -version")
        #expect(declared["test_passes"] as? Bool == true)
        let sources = try #require(declared["sources"] as? [[String: String]])
        func expected(_ goos: String, _ goarch: String, _ variant: String? = nil) -> ReleaseDownloads.Download {
            release.downloads.first { $0.target == BuildTarget(goos: goos, goarch: goarch, variant: variant) }!
        }
        let want: [(String, ReleaseDownloads.Download)] = [
            ("macos/intel", expected("darwin", "amd64")), ("macos/arm", expected("darwin", "arm64")),
            ("linux/intel", expected("linux", "amd64")), ("linux/arm", expected("linux", "arm64")),
        ]
        #expect(sources.count == want.count, "\(sources)")
        for (where_, download) in want {
            #expect(sources.contains { $0["where"] == where_ && $0["url"] == download.url && $0["sha256"] == download.sha256 },
                    "\(where_) missing in \(sources)")
        }
        // Neither windows nor freebsd reaches a formula.
        #expect(!formula.contains("windows") && !formula.contains("freebsd"))
    }

    @Test func linux32BitArmIsChosenOnA32BitCPUWithTheMostCompatibleVariant() throws {
        let release = PublishTestSupport.sampleRelease()
        let declared = try evaluate(try HomebrewFormula(release: release).render(), cpu64: false)
        let sources = try #require(declared["sources"] as? [[String: String]])
        let arm6 = release.downloads.first { $0.target == BuildTarget(goos: "linux", goarch: "arm", variant: "6") }!
        #expect(sources.contains { $0["where"] == "linux/arm" && $0["url"] == arm6.url }, "\(sources)")
    }

    @Test func configTextCannotBecomeRubyCode() throws {
        let hostile = ##"x" + `touch /tmp/pwned` + "#{system('id')} \ "## + "\u{1b}[31m ends"
        let release = PublishTestSupport.sampleRelease(description: hostile)
        let formula = try HomebrewFormula(release: release).render()
        let dir = PublishTestSupport.temporaryDirectory("brew")
        defer { try? FileManager.default.removeItem(at: dir) }
        try formula.write(to: dir.appendingPathComponent("hello.rb"), atomically: true, encoding: .utf8)
        #expect(PublishTestSupport.run(Self.ruby, ["-c", "hello.rb"], in: dir).status == 0)
        #expect(try evaluate(formula)["desc"] as? String == hostile)
        #expect(!formula.contains("\u{1b}"))
    }

    @Test func theTestBlockRunsTheBinaryAndExpectsTheVersion() throws {
        var release = PublishTestSupport.sampleRelease()
        release.testArguments = ["--version", "it's"]
        let formula = try HomebrewFormula(release: release).render()
        #expect(formula.contains("  test do\n    assert_match version.to_s, shell_output(\"#{bin}/\" + \"hello --version 'it'\\\\''s'\")\n  end"),
                "\(formula)")
        #expect(formula.contains("    bin.install \"hello\"\n"))
    }

    @Test func classNamesFollowHomebrew() {
        #expect(HomebrewFormula.className(for: "hello") == "Hello")
        #expect(HomebrewFormula.className(for: "hello-cli") == "HelloCli")
        #expect(HomebrewFormula.className(for: "foo_bar.baz") == "FooBarBaz")
        #expect(HomebrewFormula.className(for: "node@20") == "NodeAT20")
        #expect(HomebrewFormula.className(for: "c++") == "Cxx")
    }

    @Test func aReleaseWithoutMacOSOrLinuxArchivesIsRefused() {
        var release = PublishTestSupport.sampleRelease()
        release.downloads.removeAll { $0.target.goos != "windows" }
        #expect(throws: ShipdeckError.self) { try HomebrewFormula(release: release) }
        var raw = PublishTestSupport.sampleRelease()
        raw.downloads[0].fileName = "hello_1.2.3_darwin_amd64"
        let error = #expect(throws: ShipdeckError.self) { try HomebrewFormula(release: raw) }
        #expect(error?.message.contains("raw binary") == true)
        #expect(error?.hint?.contains("archive.format") == true)
    }

    @Test func badFormulaNamesAreRefused() {
        #expect(throws: ShipdeckError.self) { try HomebrewFormula(release: PublishTestSupport.sampleRelease(name: "Hello")) }
        #expect(throws: ShipdeckError.self) { try HomebrewFormula(release: PublishTestSupport.sampleRelease(name: "../x")) }
    }
}

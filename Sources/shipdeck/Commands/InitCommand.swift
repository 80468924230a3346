import ArgumentParser
import Foundation
import ShipdeckEngine

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write a commented shipdeck.yml with the zero-config defaults.")

    @Option(name: .customLong("dir"), help: "The Go module (default: the current directory).")
    var directory: String?

    @Flag(help: "Overwrite an existing shipdeck.yml.")
    var force = false

    @Flag(name: .customLong("from-goreleaser"), help: "Translate .goreleaser.yaml into the equivalent shipdeck.yml.")
    var fromGoReleaser = false

    func run() throws {
        let dir = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath)
        let source: SourceInfo = try SourceInfo.read(moduleDirectory: dir.path, environment: ProcessInfo.processInfo.environment)
        let file = dir.appendingPathComponent("shipdeck.yml")
        if FileManager.default.fileExists(atPath: file.path), !force {
            throw ShipdeckError(.config, "\(file.path) already exists", hint: "pass --force to overwrite it")
        }
        var text = ConfigTemplate.text(project: source.defaultProjectName)
        if fromGoReleaser {
            text = try GoReleaserTranslation.text(moduleDirectory: dir, source: source)
        }
        do {
            try Data(text.utf8).write(to: file)
        } catch {
            throw ShipdeckError(.io, "cannot write \(file.path): \(error.localizedDescription)")
        }
        print("wrote \(UntrustedText.escape(file.path))")
    }
}

enum ConfigTemplate {
    static func text(project: String) -> String {
        """
        # shipdeck.yml: how `shipdeck release` builds this module.
        # Every key is optional; these are the defaults Shipdeck uses without this file.

        # Project name, used in artifact names: <project>_<version>_<os>_<arch>.
        project: \(project)

        # Directory of the main package, relative to the module root.
        main: .

        # Name of the executable inside archives (default: the project name).
        binary: \(project)

        # Variable set to the version with -ldflags "-X <var>=<version>".
        version_variable: main.version

        # Go toolchain (default: --go, $GO, then PATH).
        # go: /usr/local/go/bin/go

        # goos/goarch[/variant]; `go tool dist list` prints every pair. Variants: linux/arm/7, linux/amd64/v3.
        # An entry may be a mapping: { target: linux/arm64, env: { KEY: value } }.
        targets:
          - linux/amd64
          - linux/arm64
          - darwin/amd64
          - darwin/arm64
          - windows/amd64

        # Targets to drop; the plan lists what each rule removed. `*` matches anything.
        # ignore:
        #   - windows/arm64

        # Environment for every build (CGO_ENABLED=0 unless set here).
        # env:
        #   - GOEXPERIMENT=

        # Extra go build flags, linker flags (after -s -w -buildid= -X ...) and build tags.
        # flags: [-mod=readonly]
        # ldflags: []
        # tags: [netgo]

        # Packaging: tar.gz (zip for windows) by default; `binary` publishes the raw executable only.
        # archive:
        #   format: tar.gz
        #   format_overrides: { windows: zip }
        #   files: [README*, LICENSE*]
        #   wrap_in_directory: false

        # checksum:
        #   name: checksums.txt

        """
    }
}

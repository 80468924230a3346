import Foundation
import Testing

@testable import ShipdeckEngine

/// The pieces of the OCI writer that need no process: layers, platforms, tags.
@Suite struct OCIImageTests {
    let binary = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) })

    @Test func aLayerIsTheSameBytesEveryTime() throws {
        let a = try ImageLayer(file: binary, at: "/usr/local/bin/tool", epoch: 1_700_000_000)
        let b = try ImageLayer(file: binary, at: "/usr/local/bin/tool", epoch: 1_700_000_000)
        #expect(a.tar == b.tar)
        #expect(a.gzip == b.gzip)
        let c = try ImageLayer(file: binary, at: "/usr/local/bin/tool", epoch: 1_700_000_001)
        #expect(c.tar != a.tar)
    }

    @Test func theTarHasParentFoldersTheFileAndValidHeaders() throws {
        let layer = try ImageLayer(file: binary, at: "/usr/local/bin/tool", epoch: 1_700_000_000)
        // 3 folders + 1 file header + 5000 bytes padded to 5120 + two end blocks.
        #expect(layer.tar.count == 4 * 512 + 5120 + 1024)
        let names = (0..<4).map { i -> String in
            let block = layer.tar[(i * 512)..<(i * 512 + 100)]
            return String(decoding: block.prefix { $0 != 0 }, as: UTF8.self)
        }
        #expect(names == ["usr/", "usr/local/", "usr/local/bin/", "usr/local/bin/tool"])
        for i in 0..<4 {
            let block = [UInt8](layer.tar[(i * 512)..<(i * 512 + 512)])
            var copy = block
            for j in 148..<156 { copy[j] = 0x20 }
            let sum = copy.reduce(0) { $0 + Int($1) }
            let stored = Int(String(decoding: block[148..<154], as: UTF8.self), radix: 8)
            #expect(stored == sum)
        }
    }

    @Test func theGzipHeaderCarriesNoTimeAndNoName() throws {
        let layer = try ImageLayer(file: binary, at: "/tool", epoch: 0)
        #expect(Array(layer.gzip.prefix(10)) == GzipMember.header)
        let size = layer.gzip.suffix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(size == layer.tar.count)
    }

    @Test func platformsFollowTheOCIConventions() {
        func p(_ text: String) -> OCIPlatform { OCIPlatform(target: BuildTarget(parsing: text)!) }
        #expect(p("linux/amd64") == OCIPlatform(architecture: "amd64", os: "linux", variant: nil))
        #expect(p("linux/amd64/v3").variant == "v3")
        #expect(p("linux/amd64/v1").variant == nil)
        #expect(p("linux/arm64").variant == "v8")
        #expect(p("linux/arm/6").variant == "v6")
        #expect(p("linux/arm/7").variant == "v7")
        #expect(p("linux/arm").variant == "v7")
        #expect(p("linux/s390x") == OCIPlatform(architecture: "s390x", os: "linux", variant: nil))
    }

    @Test func versionsBecomeValidTags() {
        #expect(ImageTag.forVersion("1.2.3") == "1.2.3")
        #expect(ImageTag.forVersion("0.0.0-dev+abc1234") == "0.0.0-dev_abc1234")
        #expect(ImageTag.isValid(ImageTag.forVersion("0.0.0-dev+abc1234")))
        #expect(!ImageTag.isValid("-leading"))
        #expect(!ImageTag.isValid(String(repeating: "a", count: 129)))
    }

    @Test func theImagesKeyIsReadWithErrorsNamingTheKey() throws {
        let reader = ConfigReader(file: "shipdeck.yml")
        let config = try reader.parse("images:\n  name: acme/tool\n  path: /tool\n  tags: [latest]\n")
        #expect(config.images == ImageConfig(name: "acme/tool", path: "/tool", tags: ["latest"]))
        #expect(try reader.parse("images: true\n").images == ImageConfig())
        let error = #expect(throws: ShipdeckError.self) { try reader.parse("images:\n  path: relative/tool\n") }
        #expect(error?.message.contains("images.path") == true)
        let unknown = #expect(throws: ShipdeckError.self) { try reader.parse("images:\n  entrypont: [/x]\n") }
        #expect(unknown?.hint?.contains("entrypoint") == true)
    }
}

/// Image names follow the OCI distribution spec's grammar, which registries enforce at push time.
@Suite struct ImageNameGrammarTests {
    @Test func repositoryNamesFollowTheDistributionSpec() {
        for good in ["hello", "acme/hello", "a.b_c__d---e/f1", "x" + String(repeating: "y", count: 254)] {
            #expect(ImageTag.isValidRepositoryName(good), "\(good)")
        }
        for bad in [
            "", "-hello", "hello-", ".hello", "a..b", "a_-b", "a___b", "Hello", "a//b", "/a", "a/", "a/../b",
            "x" + String(repeating: "y", count: 255), "héllo",
        ] {
            #expect(!ImageTag.isValidRepositoryName(bad), "\(bad)")
        }
    }

    @Test func anImageNamedLikeShipdecksOwnFolderIsRefused() {
        let reader = ConfigReader(file: "/m/shipdeck.yml")
        for name in ["logs", "logs/hello"] {
            do {
                _ = try reader.parse("targets: [linux/amd64]\nimages:\n  name: \(name)\n")
                Issue.record("\(name) was accepted")
            } catch let error as ShipdeckError {
                #expect(error.message.contains("Shipdeck's own folder"), "\(error.message)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}

import Foundation
import Testing

@testable import ShipdeckEngine

/// The source-tree part of a cell's input fingerprint, which `--resume` compares with the journal's.
@Suite struct JournalFingerprintTests {
    func tree() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fingerprint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("cmd"), withIntermediateDirectories: true)
        try "module example.com/x\n\ngo 1.22\n".write(
            to: dir.appendingPathComponent("go.mod"), atomically: true, encoding: .utf8)
        try "package main\n".write(to: dir.appendingPathComponent("cmd/main.go"), atomically: true, encoding: .utf8)
        return dir
    }

    func hash(_ dir: URL) -> String {
        CellFingerprint.sourceTree(of: dir, excluding: [dir.appendingPathComponent("dist")])
    }

    @Test func sameTreeSameHash() throws {
        let dir = try tree()
        #expect(hash(dir) == hash(dir))
        #expect(hash(dir).count == 64)
    }

    @Test func goSumAppearingOrChangingChangesTheHash() throws {
        let dir = try tree()
        let before = hash(dir)
        try "example.com/dep v1.0.0 h1:abc=\n".write(
            to: dir.appendingPathComponent("go.sum"), atomically: true, encoding: .utf8)
        let withSum = hash(dir)
        #expect(withSum != before)
        try "example.com/dep v1.0.1 h1:def=\n".write(
            to: dir.appendingPathComponent("go.sum"), atomically: true, encoding: .utf8)
        #expect(hash(dir) != withSum)
    }

    @Test func aSourceEditOrRenameChangesTheHash() throws {
        let dir = try tree()
        let before = hash(dir)
        try "package main // edited\n".write(
            to: dir.appendingPathComponent("cmd/main.go"), atomically: true, encoding: .utf8)
        let edited = hash(dir)
        #expect(edited != before)
        try FileManager.default.moveItem(
            at: dir.appendingPathComponent("cmd/main.go"), to: dir.appendingPathComponent("cmd/app.go"))
        #expect(hash(dir) != edited)
    }

    @Test func distAndGitAreLeftOut() throws {
        let dir = try tree()
        let before = hash(dir)
        for sub in ["dist", ".git"] {
            try FileManager.default.createDirectory(
                at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
            try "x".write(to: dir.appendingPathComponent("\(sub)/file"), atomically: true, encoding: .utf8)
        }
        #expect(hash(dir) == before)
    }
}

import Foundation
import Testing

@testable import ShipdeckEngine

/// The Go-template subset GoReleaser configs use.
@Suite struct GoTemplateTests {
    let context = GoTemplate.Context(
        fields: [
            "ProjectName": "hello", "Version": "1.2.3", "Os": "linux", "Arch": "amd64", "Arm": "", "Amd64": "v1",
            "Tag": "v1.2.3", "ShortCommit": "abc1234",
        ],
        env: ["GREETING": "hi"])

    func render(_ text: String, _ fields: [String: String] = [:]) throws -> String {
        var context = self.context
        context.fields.merge(fields) { $1 }
        return try GoTemplate(text).render(context)
    }

    @Test func rendersFieldsAndText() throws {
        #expect(try render("{{ .ProjectName }}_{{.Version}}_{{ .Os }}") == "hello_1.2.3_linux")
        #expect(try render("plain") == "plain")
        #expect(try render("{{ .Env.GREETING }}-{{ .Tag }}") == "hi-v1.2.3")
    }

    @Test func ifElseIfElseChoosesTheFirstTrueBranch() throws {
        let text = #"{{ if eq .Arch "amd64" }}x86_64{{ else if eq .Arch "386" }}i386{{ else }}{{ .Arch }}{{ end }}"#
        #expect(try render(text) == "x86_64")
        #expect(try render(text, ["Arch": "386"]) == "i386")
        #expect(try render(text, ["Arch": "arm64"]) == "arm64")
    }

    @Test func trimMarkersEatWhitespaceAndNewlines() throws {
        let text =
            "{{ .ProjectName }}_\n  {{- if eq .Arch \"amd64\" }}x86_64\n  {{- else }}{{ .Arch }}{{ end }} -{{- \" end\" -}}  !"
        #expect(try render(text) == "hello_x86_64 - end!")
        #expect(try render(text, ["Arch": "arm64"]) == "hello_arm64 - end!")
        // The issue's example, exactly.
        let issue = #"{{- if eq .Arch "amd64" }}x86_64{{- else }}{{ .Arch }}{{ end }}"#
        #expect(try render(issue) == "x86_64")
        #expect(try render(issue, ["Arch": "arm64"]) == "arm64")
    }

    @Test func booleanFunctionsAndParentheses() throws {
        #expect(try render(#"{{ if and (eq .Os "linux") (ne .Arch "arm") }}yes{{ end }}"#) == "yes")
        #expect(try render(#"{{ if or (eq .Os "darwin") (eq .Os "windows") }}yes{{ else }}no{{ end }}"#) == "no")
        #expect(try render(#"{{ if not (eq .Amd64 "v1") }}{{ .Amd64 }}{{ end }}"#) == "")
        #expect(try render(#"{{ if not (eq .Amd64 "v1") }}{{ .Amd64 }}{{ end }}"#, ["Amd64": "v3"]) == "v3")
        #expect(try render("{{ if .Arm }}v{{ .Arm }}{{ end }}") == "")
        #expect(try render("{{ if .Arm }}v{{ .Arm }}{{ end }}", ["Arm": "7"]) == "v7")
        #expect(try render(#"{{ eq .Os "linux" "darwin" }}"#) == "true")
    }

    @Test func withAndStringFunctions() throws {
        #expect(try render("{{ with .Arm }}v{{ . }}{{ end }}", ["Arm": "6"]) == "v6")
        #expect(try render("{{ with .Arm }}v{{ . }}{{ else }}none{{ end }}") == "none")
        #expect(try render("{{ title .Os }}-{{ toupper .Arch }}-{{ .Os | tolower }}") == "Linux-AMD64-linux")
        #expect(try render(#"{{ replace .Version "." "_" }} {{ trimprefix .Tag "v" }}"#) == "1_2_3 1.2.3")
        #expect(try render("{{/* a comment */}}x") == "x")
    }

    @Test func unclosedActionIsAnErrorNamingThePosition() {
        #expect {
            try GoTemplate("{{ .ProjectName }}_{{ .Version", origin: "shipdeck.yml: archive name_template")
        } throws: { error in
            let message = "\(error)"
            return message.contains("unclosed '{{' at character 20")
                && message.contains("shipdeck.yml: archive name_template")
        }
    }

    @Test func unknownFieldIsAnErrorWithASuggestion() {
        #expect {
            try render("{{ .Versoin }}")
        } throws: { error in
            let message = "\(error)"
            return message.contains("unknown template field '.Versoin'") && message.contains("did you mean '.Version'")
        }
    }

    @Test func missingEnvironmentVariableIsAnError() {
        #expect(throws: ShipdeckError.self) { try render("{{ .Env.NOPE }}") }
    }

    @Test func unbalancedBlocksAreErrors() {
        #expect(throws: ShipdeckError.self) { try GoTemplate("{{ if .Arm }}x") }
        #expect(throws: ShipdeckError.self) { try GoTemplate("x{{ end }}") }
        #expect(throws: ShipdeckError.self) { try GoTemplate("{{ range .Things }}{{ end }}") }
        #expect(throws: ShipdeckError.self) { try GoTemplate("{{ frobnicate .Os }}") }
        #expect(throws: ShipdeckError.self) { try GoTemplate(#"{{ eq .Os "linux }}"#) }
    }
}
